import { schema } from "@crm/db";
import type { ImportMapping } from "@crm/shared";
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { AuthedContext, CoreContext } from "../context";
import { DomainError } from "../errors";
import type { MapRowOptions } from "./rows";

const { imports, clients, users } = schema;

/** Reads the imports verbs and the run share. */

export type ImportRow = typeof imports.$inferSelect;

/** How rows are read for this owner: their phone region and time zone, and the clock's time. */
export async function mapRowOptions(ctx: AuthedContext): Promise<MapRowOptions> {
  const [row] = await ctx.db
    .select({ region: users.phoneRegion, timeZone: users.timeZone })
    .from(users)
    .where(eq(users.id, ctx.userId));
  return { phoneRegion: row?.region ?? "US", timeZone: row?.timeZone ?? "UTC", now: ctx.clock.now() };
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

/**
 * Ends a `running` import that wrote nothing (its transaction rolled back): counts zeroed, the
 * upload dropped, the run's session forgotten. Only while it is still running, so whichever of the
 * run and the orphan sweep gets there first says why; false when the other already had.
 */
export async function endRolledBackImport(
  ctx: CoreContext,
  importId: string,
  status: "failed" | "cancelled",
  reason: string | null,
): Promise<boolean> {
  const ended = await ctx.db
    .update(imports)
    .set({
      status,
      error: reason,
      created: 0,
      updated: 0,
      skipped: 0,
      failed: 0,
      content: null,
      runPid: null,
      runXactStart: null,
      finishedAt: ctx.clock.now(),
    })
    .where(and(eq(imports.id, importId), eq(imports.status, "running")))
    .returning({ id: imports.id });
  return ended.length > 0;
}
