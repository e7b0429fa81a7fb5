import { schema } from "@crm/db";
import { eq, sql } from "drizzle-orm";
import type { AuthedContext, CoreContext } from "../context";
import { isCalendarProviderError } from "../ports";
import { renewChannel } from "./channel";
import { clearResolvedConflicts } from "./conflicts";
import { GoogleSession } from "./google-session";
import { Lease } from "./lease";
import { LeaseLost, ReconnectNeeded, SyncPaused, syncMessages } from "./outcomes";
import { pullChanges } from "./pull";
import { pushChanges } from "./push";
import { accessTokenFor } from "./tokens";
import type { ConnectionRow, SyncLog } from "./types";

export { SYNC_WINDOW } from "./sync-window";

const { calendarConnections, users } = schema;

export type SyncOutcome =
  | { outcome: "synced"; pulled: number; pushed: number; fullSync: boolean }
  | { outcome: "busy" | "not_connected" | "disconnected" | "skipped" }
  | { outcome: "paused"; until: Date };

/**
 * Syncs one connection both ways: pull Google's changes since the sync token (a full sync the
 * first time and after 410), then push every booking changed here since its last push, clear
 * conflict flags that resolved, and keep the push channel open. Only one run per connection at a
 * time (a lease on the row); a second one answers "busy".
 */
export async function runCalendarSync(
  ctx: CoreContext,
  connectionId: string,
  log: SyncLog = () => {},
): Promise<SyncOutcome> {
  const unsyncable = await whyNotSync(ctx, connectionId);
  if (unsyncable) return unsyncable;
  const acquired = await Lease.acquire(ctx, connectionId);
  if (!acquired) return { outcome: "busy" };
  const { lease, connection } = acquired;
  try {
    return await syncBothWays(ctx, lease, connection, log);
  } catch (error) {
    return endInError(ctx, lease, error, log);
  }
}

/** A connection that is gone, disconnected or paused is not synced (and its lease not taken). */
async function whyNotSync(ctx: CoreContext, connectionId: string): Promise<SyncOutcome | null> {
  const [current] = await ctx.db
    .select({
      status: calendarConnections.status,
      pausedUntil: calendarConnections.pausedUntil,
      deletionScheduledFor: users.deletionScheduledFor,
    })
    .from(calendarConnections)
    .innerJoin(users, eq(users.id, calendarConnections.userId))
    .where(eq(calendarConnections.id, connectionId));
  if (!current) return { outcome: "not_connected" };
  // The owner asked to delete the account (which disconnects Google): nothing is synced any more.
  if (current.deletionScheduledFor) return { outcome: "skipped" };
  if (current.status === "disconnected") return { outcome: "disconnected" };
  if (current.status === "paused" && current.pausedUntil && current.pausedUntil > ctx.clock.now()) {
    return { outcome: "paused", until: current.pausedUntil };
  }
  return null;
}

/** Lease held: pull, push, clear resolved conflicts, renew the channel, then release with the counts. */
async function syncBothWays(
  ctx: CoreContext,
  lease: Lease,
  connection: ConnectionRow,
  log: SyncLog,
): Promise<SyncOutcome> {
  const userCtx: AuthedContext = { ...ctx, userId: connection.userId };
  const token = await accessTokenFor(ctx, connection);
  const session = new GoogleSession(ctx, connection, token, lease, log);
  const [user] = await ctx.db.select({ zone: users.timeZone }).from(users).where(eq(users.id, connection.userId));
  const zone = user?.zone ?? "UTC";
  const pull = await pullChanges(userCtx, session, connection, zone, log);
  const pushed = await pushChanges(userCtx, session, connection, zone, log);
  await clearResolvedConflicts(userCtx);
  const channel = await renewChannel(ctx, session, connection, log);
  await lease.release({
    status: "connected",
    lastSyncedAt: ctx.clock.now(),
    lastError: null,
    lastErrorAt: null,
    pausedUntil: null,
    pushedCount: sql`${calendarConnections.pushedCount} + ${pushed}` as unknown as number,
    pulledCount: sql`${calendarConnections.pulledCount} + ${pull.pulled}` as unknown as number,
    ...channel,
  });
  log("calendar sync done", {
    connectionId: connection.id,
    pulled: pull.pulled,
    pushed,
    fullSync: pull.fullSync,
    calls: session.calls,
  });
  return { outcome: "synced", pulled: pull.pulled, pushed, fullSync: pull.fullSync };
}

/** Releases the lease with what went wrong, in words for Settings; unexpected errors go on to the job queue. */
async function endInError(ctx: CoreContext, lease: Lease, error: unknown, log: SyncLog): Promise<SyncOutcome> {
  const { connectionId } = lease;
  const now = ctx.clock.now();
  if (error instanceof LeaseLost) {
    // The lease is someone else's now: write nothing on the connection; that run finishes the job.
    log("calendar sync: another run took over the connection", { connectionId });
    return { outcome: "busy" };
  }
  if (error instanceof ReconnectNeeded) {
    await lease.release({ status: "disconnected", lastError: syncMessages.reconnect, lastErrorAt: now });
    log("calendar sync: reconnect needed", { connectionId });
    return { outcome: "disconnected" };
  }
  if (error instanceof SyncPaused) {
    await lease.release({ status: "paused", pausedUntil: error.until, lastError: error.message, lastErrorAt: now });
    log("calendar sync paused: quota used up", { connectionId, until: error.until.toISOString() });
    return { outcome: "paused", until: error.until };
  }
  await lease.release({ status: "error", lastError: describeSyncError(error), lastErrorAt: now });
  throw error;
}

/** The last error in words for Settings (never a stack or raw provider body). */
export function describeSyncError(error: unknown): string {
  if (isCalendarProviderError(error)) {
    switch (error.kind) {
      case "rate_limited":
        return syncMessages.rateLimited;
      case "unavailable":
        return syncMessages.unavailable;
      case "not_found":
        return syncMessages.calendarMissing;
      case "unauthorized":
      case "invalid_grant":
        return syncMessages.reconnect;
      default:
        return `Google Calendar refused a request: ${error.message}`;
    }
  }
  return "Sync failed unexpectedly; it will be retried.";
}
