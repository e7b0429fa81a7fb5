import { schema } from "@crm/db";
import type { ImportMapping } from "@crm/shared";
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { AuthedContext } from "../context";
import { DomainError } from "../errors";

const { imports, clients, users } = schema;

/** Reads the imports verbs and the run share. */

export type ImportRow = typeof imports.$inferSelect;

export async function ownerRegion(ctx: AuthedContext): Promise<string> {
  const [row] = await ctx.db.select({ region: users.phoneRegion }).from(users).where(eq(users.id, ctx.userId));
  return row?.region ?? "US";
}

export async function loadImport(ctx: AuthedContext, id: string): Promise<ImportRow> {
  const [row] = await ctx.db
    .select()
    .from(imports)
    .where(and(eq(imports.id, id), eq(imports.userId, ctx.userId)));
  if (!row) throw new DomainError("NOT_FOUND", "Import not found");
  return row;
}

/** The stored mapping (JSON keys are strings) as column index → field. */
export function toMapping(raw: Record<string, string | null> | null | undefined): ImportMapping {
  return Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [Number(k), v])) as ImportMapping;
}

/** A live client of the owner that already has an email of the file (case-insensitive). */
export type ExistingClient = { id: string; name: string; version: number };

/**
 * The owner's live clients with an email, by lowercased email: read once per import. (Looking them
 * up per batch planned as a walk over all the owner's rows, which grew with every batch inserted in
 * the same transaction and made a large import quadratic.)
 */
export async function liveClientsByEmail(ctx: AuthedContext): Promise<Map<string, ExistingClient>> {
  const rows = await ctx.db
    .select({
      id: clients.id,
      email: clients.email,
      firstName: clients.firstName,
      lastName: clients.lastName,
      version: clients.version,
    })
    .from(clients)
    .where(and(eq(clients.userId, ctx.userId), isNull(clients.deletedAt), isNotNull(clients.email)));
  return new Map(
    rows.map((r) => [
      r.email!.toLowerCase(),
      { id: r.id, name: [r.firstName, r.lastName].filter(Boolean).join(" ") || r.email!, version: r.version },
    ]),
  );
}
