import { schema } from "@crm/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { AuthedContext, CoreContext } from "../context";
import { calendarSyncJob } from "./jobs";

const { bookings, calendarConnections } = schema;

/** Connection states in which changes are pushed now; a disconnected one keeps them pending. */
export const ACTIVE_CONNECTION_STATES = ["connected", "paused", "error"] as const;

/**
 * A booking changed in a way Google should see: bump its change counter and, when the owner has
 * a live Google connection, enqueue a sync in the same transaction (a rollback leaves no job).
 * Called by every booking write next to the reminder re-plan.
 */
export async function noteBookingChange(ctx: AuthedContext, bookingIds: string | string[]): Promise<void> {
  const ids = Array.isArray(bookingIds) ? bookingIds : [bookingIds];
  if (ids.length === 0) return;
  await ctx.db
    .update(bookings)
    .set({ changeSeq: sql`${bookings.changeSeq} + 1` })
    .where(and(eq(bookings.userId, ctx.userId), inArray(bookings.id, ids)));
  await enqueueSyncFor(ctx, ctx.userId);
}

/** Enqueues one sync for the user's connection, if it is live (a queued one absorbs the rest). */
export async function enqueueSyncFor(ctx: CoreContext, userId: string, startAfter?: Date): Promise<boolean> {
  if (!ctx.jobs) return false;
  const [connection] = await ctx.db
    .select({ id: calendarConnections.id })
    .from(calendarConnections)
    .where(
      and(eq(calendarConnections.userId, userId), inArray(calendarConnections.status, [...ACTIVE_CONNECTION_STATES])),
    );
  if (!connection) return false;
  await ctx.jobs.send(
    ctx.db,
    calendarSyncJob,
    { userId, connectionId: connection.id },
    { singletonKey: connection.id, ...(startAfter && { startAfter }) },
  );
  return true;
}
