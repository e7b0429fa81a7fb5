import { schema } from "@crm/db";
import { trashListInput } from "@crm/shared";
import { and, desc, eq, inArray, isNotNull, lt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { AuthedContext, CoreContext } from "../context";
import { scrubClientTraces } from "../privacy/scrub";
import { inTransaction } from "../transaction";
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

const PURGE_BATCH = 500;

/**
 * Hard-deletes clients that have been in Trash longer than the retention (notes and bookings go with
 * them), one owner's batch per transaction. What the account still says about them (activity values,
 * the address, subject and body of emails sent to them) is scrubbed first, as privacy.eraseClient does.
 */
export async function purgeDeletedClients(
  ctx: CoreContext,
  retentionDays = DEFAULT_TRASH_RETENTION_DAYS,
): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - retentionDays * DAY_MS);
  let purged = 0;
  for (;;) {
    const due = await ctx.db
      .select({ id: clients.id, userId: clients.userId })
      .from(clients)
      .where(and(isNotNull(clients.deletedAt), lt(clients.deletedAt, cutoff)))
      .orderBy(clients.userId)
      .limit(PURGE_BATCH);
    if (due.length === 0) return purged;
    const byOwner = new Map<string, string[]>();
    for (const c of due) byOwner.set(c.userId, [...(byOwner.get(c.userId) ?? []), c.id]);
    for (const [userId, ids] of byOwner) {
      purged += await inTransaction(ctx, async (tx) => {
        // Read again under lock: one restored meanwhile stays, and keeps its history.
        const owned = await tx.db
          .select({ id: clients.id, email: clients.email })
          .from(clients)
          .where(
            and(
              eq(clients.userId, userId),
              inArray(clients.id, ids),
              isNotNull(clients.deletedAt),
              lt(clients.deletedAt, cutoff),
            ),
          )
          .for("update");
        if (owned.length === 0) return 0;
        await scrubClientTraces(tx, userId, owned);
        const deleted = await tx.db
          .delete(clients)
          .where(
            and(
              eq(clients.userId, userId),
              inArray(
                clients.id,
                owned.map((c) => c.id),
              ),
            ),
          )
          .returning({ id: clients.id });
        return deleted.length;
      });
    }
    if (due.length < PURGE_BATCH) return purged;
  }
}
