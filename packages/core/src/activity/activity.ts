import { schema } from "@crm/db";
import { activityListInput } from "@crm/shared";
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { AuthedContext } from "../context";
import { parseInput } from "../validation";

const { activityLogs, bookings } = schema;

export type ActivityEntityType = "client" | "note" | "stage" | "booking";
export type Changes = Record<string, { before: unknown; after: unknown }>;

export interface ActivityEntry {
  entityType: ActivityEntityType;
  entityId: string;
  clientId?: string | null;
  action: string;
  changes?: Changes | null;
}

/** Writes one log row; call it with the transaction that makes the change. */
export async function recordActivity(ctx: AuthedContext, entry: ActivityEntry, actorId: string | null = ctx.userId) {
  await ctx.db.insert(activityLogs).values({
    userId: ctx.userId,
    actorId,
    entityType: entry.entityType,
    entityId: entry.entityId,
    clientId: entry.clientId ?? null,
    action: entry.action,
    changes: entry.changes ?? null,
    createdAt: ctx.clock.now(),
  });
}

function comparable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return JSON.stringify(value);
  return value ?? null;
}

/** The fields whose values differ, with both values (dates as ISO strings). */
export function diffFields<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): Changes {
  const changes: Changes = {};
  const show = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));
  for (const field of fields) {
    const [a, b] = [before[field] as unknown, after[field] as unknown];
    if (comparable(a) !== comparable(b)) changes[field] = { before: show(a), after: show(b) };
  }
  return changes;
}

export interface ActivityItem {
  id: number;
  entityType: string;
  entityId: string;
  clientId: string | null;
  action: string;
  changes: Changes | null;
  actorId: string | null;
  createdAt: Date;
  /**
   * For a booking's entries, the session as it is now (in Trash too), so "Completed a session" can say
   * which: a status change records only the status. Null once the booking is gone for good.
   */
  booking: { title: string; startsAt: Date } | null;
}

export async function listActivity(
  ctx: AuthedContext,
  rawInput: z.input<typeof activityListInput>,
): Promise<{ items: ActivityItem[]; nextCursor: string | null }> {
  const input = parseInput(activityListInput, rawInput);
  const conditions: SQL[] = [eq(activityLogs.userId, ctx.userId)];
  if (input.entityType) conditions.push(eq(activityLogs.entityType, input.entityType));
  if (input.entityId) conditions.push(eq(activityLogs.entityId, input.entityId));
  if (input.clientId) conditions.push(eq(activityLogs.clientId, input.clientId));
  if (input.cursor) {
    const before = Number(input.cursor);
    if (Number.isSafeInteger(before)) conditions.push(lt(activityLogs.id, before));
  }
  const rows = await ctx.db
    .select({
      log: activityLogs,
      bookingTitle: bookings.title,
      bookingStartsAt: bookings.startsAt,
    })
    .from(activityLogs)
    .leftJoin(
      bookings,
      and(
        eq(activityLogs.entityType, "booking"),
        eq(bookings.id, activityLogs.entityId),
        eq(bookings.userId, activityLogs.userId),
      ),
    )
    .where(and(...conditions))
    .orderBy(desc(activityLogs.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit).map(({ log: r, bookingTitle, bookingStartsAt }) => ({
    id: r.id,
    entityType: r.entityType,
    entityId: r.entityId,
    clientId: r.clientId,
    action: r.action,
    changes: r.changes ?? null,
    actorId: r.actorId,
    createdAt: r.createdAt,
    booking:
      bookingTitle !== null && bookingStartsAt !== null ? { title: bookingTitle, startsAt: bookingStartsAt } : null,
  }));
  return { items, nextCursor: rows.length > input.limit ? String(items[items.length - 1]!.id) : null };
}
