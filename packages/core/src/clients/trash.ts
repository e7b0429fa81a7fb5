import { schema } from "@crm/db";
import { trashListInput } from "@crm/shared";
import { and, desc, eq, isNotNull, lt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { AuthedContext, CoreContext } from "../context";
import { parseInput } from "../validation";
import { cursorKey, decodeCursor, encodeCursor } from "./cursor";
import { toClientView, viewColumns } from "./view";

const { clients } = schema;

/** How long a deleted client can be restored before the purge removes it for good. */
export const DEFAULT_TRASH_RETENTION_DAYS = 90;
export const DAY_MS = 24 * 60 * 60 * 1000;

const trashCursor = z.tuple([cursorKey.timestamptz, cursorKey.uuid]);

export async function listTrash(
  ctx: AuthedContext,
  rawInput: z.input<typeof trashListInput>,
  retentionDays = DEFAULT_TRASH_RETENTION_DAYS,
) {
  const input = parseInput(trashListInput, rawInput);
  const limit = 20;
  const conditions: (SQL | undefined)[] = [eq(clients.userId, ctx.userId), isNotNull(clients.deletedAt)];
  if (input.cursor) {
    const [deletedAt, id] = decodeCursor(input.cursor, "trash", trashCursor);
    conditions.push(sql`(${clients.deletedAt}, ${clients.id}) < (${deletedAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await ctx.db
    .select({ ...viewColumns, deletedKey: sql<string>`${clients.deletedAt}::text` })
    .from(clients)
    .where(and(...conditions))
    .orderBy(desc(clients.deletedAt), desc(clients.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ deletedKey: _k, ...row }) => ({
      ...toClientView(row),
      purgeAt: new Date(row.deletedAt!.getTime() + retentionDays * DAY_MS),
    })),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ sort: "trash", values: [last.deletedKey, last.id] }) : null,
  };
}

/** Hard-deletes clients that have been in Trash longer than the retention (notes go with them). */
export async function purgeDeletedClients(
  ctx: CoreContext,
  retentionDays = DEFAULT_TRASH_RETENTION_DAYS,
): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - retentionDays * DAY_MS);
  const deleted = await ctx.db
    .delete(clients)
    .where(and(isNotNull(clients.deletedAt), lt(clients.deletedAt, cutoff)))
    .returning({ id: clients.id });
  return deleted.length;
}
