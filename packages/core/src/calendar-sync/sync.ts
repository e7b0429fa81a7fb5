import { randomBytes, randomUUID } from "node:crypto";
import { schema } from "@crm/db";
import { clientDisplayName } from "@crm/shared";
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";
import { type Changes, diffFields, recordActivity } from "../activity/activity";
import type { AuthedContext, CalendarSyncDeps, CoreContext } from "../context";
import { pgErrorCode } from "../errors";
import type { CalendarApi, ProviderEvent } from "../ports";
import { CalendarProviderError, isCalendarProviderError } from "../ports";
import { syncReminder } from "../reminders/reminders";
import { inTransaction } from "../transaction";
import { BOOKING_ID_PROPERTY, bookingToEvent, type EventTimes, eventIdForBooking, eventTimes } from "./mapping";
import { LeaseLost, ReconnectNeeded, SyncPaused, syncMessages } from "./outcomes";
import { countGoogleCall } from "./quota";
import { accessTokenFor, refreshAccessToken } from "./tokens";

const { bookings, calendarConnections, clients, users } = schema;

export type ConnectionRow = typeof calendarConnections.$inferSelect;

/**
 * The sync window: bookings and events from 30 days back to a year ahead (recurring events are
 * expanded inside it). Google takes timeMin/timeMax only on a full listing, and a sync token keeps
 * the window of the listing it came from, so a full listing re-anchors it once it is `resyncDays` old.
 */
export const SYNC_WINDOW = { pastDays: 30, futureDays: 365, resyncDays: 7 };
const DAY = 24 * 3600_000;
/** A run holds its lease this long at most; a crashed worker's lease runs out. */
const LEASE_MS = 10 * 60_000;
/**
 * Channels cannot be extended, so a new one is opened when the old has less than a day left, or
 * less than half the lifetime Google granted when that was shorter than two days (Google may cut
 * the 7 days we ask for; renewing a 6-hour channel "a day before" would reopen it on every poll).
 */
const CHANNEL_RENEW_MS = DAY;
const CHANNEL_TTL_MS = 7 * DAY;

export function channelNeedsRenewal(
  channel: { openedAt: Date | null; expiresAt: Date | null } | null,
  now: Date,
): boolean {
  if (!channel?.expiresAt) return true;
  const left = channel.expiresAt.getTime() - now.getTime();
  const granted = channel.openedAt
    ? channel.expiresAt.getTime() - channel.openedAt.getTime()
    : Number.POSITIVE_INFINITY;
  return left <= Math.min(CHANNEL_RENEW_MS, granted / 2);
}
const PUSH_BATCH = 200;

export type SyncOutcome =
  | { outcome: "synced"; pulled: number; pushed: number; fullSync: boolean }
  | { outcome: "busy" | "not_connected" | "disconnected" | "skipped" }
  | { outcome: "paused"; until: Date };

export type SyncLog = (message: string, details?: Record<string, unknown>) => void;

function calendarDeps(ctx: CoreContext): CalendarSyncDeps {
  if (!ctx.calendar) throw new Error("Google Calendar is not configured (GOOGLE_CLIENT_ID)");
  return ctx.calendar;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One authorised conversation with Google for a run: every call is counted against the quota,
 * a 401 refreshes the token once and retries, rate limits back off exponentially with jitter,
 * and 5xx get two quick retries before the job's own retries take over.
 */
export class GoogleSession {
  api: CalendarApi;
  calls = 0;
  private leaseUntil: number;
  constructor(
    private readonly ctx: CoreContext,
    private readonly connection: ConnectionRow,
    private accessToken: string,
    private readonly leaseOwner: string,
    private readonly log: SyncLog = () => {},
  ) {
    this.api = calendarDeps(ctx).provider.api(accessToken);
    this.leaseUntil = connection.leaseUntil?.getTime() ?? 0;
  }

  /**
   * A long run (a big first sync, a rate-limit storm) keeps its lease: before each call, once half
   * of it is gone, it is extended, so no second worker starts on the connection meanwhile. When
   * another run holds it (ours ran out while stalled), this one stops.
   */
  private async keepLease(): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    if (this.leaseUntil - now > LEASE_MS / 2) return;
    const [kept] = await this.ctx.db
      .update(calendarConnections)
      .set({ leaseUntil: new Date(now + LEASE_MS) })
      .where(and(eq(calendarConnections.id, this.connection.id), eq(calendarConnections.leaseOwner, this.leaseOwner)))
      .returning({ id: calendarConnections.id });
    if (!kept) throw new LeaseLost();
    this.leaseUntil = now + LEASE_MS;
  }

  async call<T>(work: (api: CalendarApi) => Promise<T>): Promise<T> {
    const deps = calendarDeps(this.ctx);
    const backoff = deps.backoff ?? { baseMs: 500, attempts: 5 };
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      await this.keepLease();
      const used = await countGoogleCall(this.ctx, deps.quotaPerMinute);
      if (used === Math.floor(deps.quotaPerMinute * 0.8) + 1) {
        this.log("Google API calls passed 80% of the per-minute quota", { used, quota: deps.quotaPerMinute });
      }
      this.calls += 1;
      try {
        return await work(this.api);
      } catch (error) {
        if (!isCalendarProviderError(error)) throw error;
        if (error.kind === "unauthorized" && !refreshed) {
          refreshed = true;
          this.accessToken = await refreshAccessToken(this.ctx, this.connection.id, this.accessToken);
          this.api = deps.provider.api(this.accessToken);
          continue;
        }
        if (error.kind === "quota_exceeded") throw new SyncPaused(nextMinute(this.ctx.clock.now(), 1));
        const retryable = error.kind === "rate_limited" || (error.kind === "unavailable" && attempt < 2);
        if (retryable && attempt < backoff.attempts) {
          const delay = Math.min(backoff.baseMs * 2 ** attempt, 30_000);
          await sleep(delay / 2 + Math.random() * delay);
          continue;
        }
        throw error;
      }
    }
  }
}

function nextMinute(now: Date, minutes: number): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000 + minutes * 60_000);
}

async function acquireLease(ctx: CoreContext, connectionId: string, owner: string): Promise<ConnectionRow | null> {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .update(calendarConnections)
    .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(
      and(
        eq(calendarConnections.id, connectionId),
        or(isNull(calendarConnections.leaseUntil), lt(calendarConnections.leaseUntil, now)),
      ),
    )
    .returning();
  return row ?? null;
}

async function releaseLease(ctx: CoreContext, connectionId: string, owner: string, changes: Partial<ConnectionRow>) {
  await ctx.db
    .update(calendarConnections)
    .set({ ...changes, leaseOwner: null, leaseUntil: null, updatedAt: ctx.clock.now() })
    .where(and(eq(calendarConnections.id, connectionId), eq(calendarConnections.leaseOwner, owner)));
}

/**
 * Syncs one connection both ways: pull Google's changes since the sync token (a full sync the
 * first time and after 410), then push every booking changed here since its last push. Only one
 * run per connection at a time (a lease on the row); a second one answers "busy".
 */
export async function runCalendarSync(
  ctx: CoreContext,
  connectionId: string,
  log: SyncLog = () => {},
): Promise<SyncOutcome> {
  const owner = randomUUID();
  const exists = await ctx.db
    .select({ status: calendarConnections.status, pausedUntil: calendarConnections.pausedUntil })
    .from(calendarConnections)
    .where(eq(calendarConnections.id, connectionId));
  const current = exists[0];
  if (!current) return { outcome: "not_connected" };
  if (current.status === "disconnected") return { outcome: "disconnected" };
  if (current.status === "paused" && current.pausedUntil && current.pausedUntil > ctx.clock.now()) {
    return { outcome: "paused", until: current.pausedUntil };
  }
  const connection = await acquireLease(ctx, connectionId, owner);
  if (!connection) return { outcome: "busy" };
  try {
    const userCtx: AuthedContext = { ...ctx, userId: connection.userId };
    const token = await accessTokenFor(ctx, connection);
    const session = new GoogleSession(ctx, connection, token, owner, log);
    const [user] = await ctx.db.select({ zone: users.timeZone }).from(users).where(eq(users.id, connection.userId));
    const zone = user?.zone ?? "UTC";
    const pull = await pullChanges(userCtx, session, connection, zone, log);
    const pushed = await pushChanges(userCtx, session, connection, zone, log);
    await clearResolvedConflicts(userCtx);
    const channel = await renewChannel(ctx, session, connection, log);
    await releaseLease(ctx, connectionId, owner, {
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
      connectionId,
      pulled: pull.pulled,
      pushed,
      fullSync: pull.fullSync,
      calls: session.calls,
    });
    return { outcome: "synced", pulled: pull.pulled, pushed, fullSync: pull.fullSync };
  } catch (error) {
    if (error instanceof LeaseLost) {
      // The lease is someone else's now: write nothing on the connection; that run finishes the job.
      log("calendar sync: another run took over the connection", { connectionId });
      return { outcome: "busy" };
    }
    if (error instanceof ReconnectNeeded) {
      await releaseLease(ctx, connectionId, owner, {
        status: "disconnected",
        lastError: syncMessages.reconnect,
        lastErrorAt: ctx.clock.now(),
      });
      log("calendar sync: reconnect needed", { connectionId });
      return { outcome: "disconnected" };
    }
    if (error instanceof SyncPaused) {
      await releaseLease(ctx, connectionId, owner, {
        status: "paused",
        pausedUntil: error.until,
        lastError: error.message,
        lastErrorAt: ctx.clock.now(),
      });
      log("calendar sync paused: quota used up", { connectionId, until: error.until.toISOString() });
      return { outcome: "paused", until: error.until };
    }
    await releaseLease(ctx, connectionId, owner, {
      status: "error",
      lastError: describeSyncError(error),
      lastErrorAt: ctx.clock.now(),
    });
    throw error;
  }
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

// ---------------------------------------------------------------------------------------------
// Google → CRM

type LinkedBooking = typeof bookings.$inferSelect;

async function pullChanges(
  ctx: AuthedContext,
  session: GoogleSession,
  connection: ConnectionRow,
  zone: string,
  log: SyncLog,
): Promise<{ pulled: number; fullSync: boolean }> {
  const now = ctx.clock.now();
  // With a token the window stays where the last full listing put it (its far edge comes closer every
  // day, so a series stops being expanded): list everything again once it is a week old. Matching by
  // event id keeps that free of duplicates; the new token replaces the old one.
  const windowAge = connection.fullSyncedAt ? now.getTime() - connection.fullSyncedAt.getTime() : Infinity;
  const reanchor = Boolean(connection.syncToken) && windowAge >= SYNC_WINDOW.resyncDays * DAY;
  if (reanchor) log("calendar sync: sync window due to move forward, full sync", { connectionId: connection.id });
  let syncToken = reanchor ? undefined : (connection.syncToken ?? undefined);
  const window = {
    timeMin: new Date(now.getTime() - SYNC_WINDOW.pastDays * DAY),
    timeMax: new Date(now.getTime() + SYNC_WINDOW.futureDays * DAY),
  };
  let accountEmail = connection.accountEmail;
  for (;;) {
    const fullSync = !syncToken;
    let pulled = 0;
    let pageToken: string | undefined;
    const listed = new Set<string>();
    try {
      do {
        const page = await session.call((api) =>
          api.listEvents(
            connection.calendarId,
            syncToken ? { syncToken, pageToken, maxResults: 2500 } : { pageToken, maxResults: 2500, ...window },
          ),
        );
        if (page.calendarSummary && page.calendarSummary !== accountEmail && connection.calendarId === "primary") {
          // A primary calendar's summary is its account. Reconnected as someone else: the etags we
          // hold belong to the other account's events, so they no longer prove a link (see applyVanished).
          if (accountEmail) {
            log("calendar sync: connected to another Google account", { connectionId: connection.id });
            await forgetEtags(ctx);
          }
          await ctx.db
            .update(calendarConnections)
            .set({ accountEmail: page.calendarSummary })
            .where(eq(calendarConnections.id, connection.id));
          accountEmail = page.calendarSummary;
        }
        pulled += await applyPage(ctx, page.items, zone, log);
        if (fullSync) for (const event of page.items) listed.add(event.id);
        pageToken = page.nextPageToken;
        // Before the token is stored: a run that fails here lists everything again next time.
        if (!pageToken && fullSync) pulled += await applyVanished(ctx, listed, window, log);
        // The sync token comes on the last page only; store it once every page was applied.
        if (!pageToken && page.nextSyncToken) {
          await ctx.db
            .update(calendarConnections)
            // A full listing anchors the window at `now` (timeMin = now - pastDays).
            .set({ syncToken: page.nextSyncToken, ...(fullSync && { fullSyncedAt: now }) })
            .where(eq(calendarConnections.id, connection.id));
        }
      } while (pageToken);
      return { pulled, fullSync };
    } catch (error) {
      if (isCalendarProviderError(error) && error.kind === "sync_token_expired" && syncToken) {
        // 410: start over with a full sync. Matching by event id keeps it free of duplicates.
        log("calendar sync: sync token expired, full sync", { connectionId: connection.id });
        syncToken = undefined;
        await ctx.db
          .update(calendarConnections)
          .set({ syncToken: null })
          .where(eq(calendarConnections.id, connection.id));
        continue;
      }
      throw error;
    }
  }
}

/**
 * After a full listing: a linked booking inside the window whose event was not listed is gone from
 * Google. It was deleted while we were not listening (token expired, long disconnection) and Google
 * has since dropped the tombstone, which a full listing would otherwise have shown as cancelled. So it
 * is applied as that deletion (the booking is cancelled, a busy block with it; Google wins, since when
 * it was deleted is unknown). Only links confirmed on this calendar count: a link carried over from
 * another calendar has no etag. Bookings within a day of the window's edges are left alone (Google
 * compares all-day events in the calendar's zone, we in the user's).
 */
/** Links keep their event id (a reconnect matches events instead of duplicating them); the etag goes. */
export async function forgetEtags(ctx: AuthedContext): Promise<void> {
  await ctx.db
    .update(bookings)
    .set({ googleEtag: null })
    .where(and(eq(bookings.userId, ctx.userId), isNotNull(bookings.googleEventId), isNotNull(bookings.googleEtag)));
}

async function applyVanished(
  ctx: AuthedContext,
  listed: Set<string>,
  window: { timeMin: Date; timeMax: Date },
  log: SyncLog,
): Promise<number> {
  const linked = await ctx.db
    .select()
    .from(bookings)
    .where(
      and(
        eq(bookings.userId, ctx.userId),
        isNotNull(bookings.googleEventId),
        isNotNull(bookings.googleEtag),
        isNull(bookings.deletedAt),
        ne(bookings.status, "cancelled"),
        gt(bookings.endsAt, new Date(window.timeMin.getTime() + DAY)),
        lt(bookings.startsAt, new Date(window.timeMax.getTime() - DAY)),
      ),
    );
  let applied = 0;
  for (const booking of linked) {
    if (listed.has(booking.googleEventId!)) continue;
    log("calendar sync: event gone from Google, handled as deleted", { bookingId: booking.id });
    if (await applyGoogleDeletion(ctx, { id: booking.googleEventId!, status: "cancelled" }, booking)) applied += 1;
  }
  return applied;
}

async function applyPage(ctx: AuthedContext, items: ProviderEvent[], zone: string, log: SyncLog): Promise<number> {
  if (items.length === 0) return 0;
  const ids = items.map((e) => e.id);
  const linked = await ctx.db
    .select()
    .from(bookings)
    .where(and(eq(bookings.userId, ctx.userId), inArray(bookings.googleEventId, ids)));
  const byEventId = new Map(linked.map((b) => [b.googleEventId!, b]));
  // Our own events whose link was lost (a crash between insert and save, or a reconnect).
  const ownIds = items
    .map((e) => e.privateProperties?.[BOOKING_ID_PROPERTY])
    .filter((id): id is string => typeof id === "string" && /^[0-9a-f-]{36}$/i.test(id));
  const own = ownIds.length
    ? await ctx.db
        .select()
        .from(bookings)
        .where(and(eq(bookings.userId, ctx.userId), inArray(bookings.id, ownIds)))
    : [];
  const byBookingId = new Map(own.map((b) => [b.id, b]));
  let applied = 0;
  for (const event of items) {
    const booking =
      byEventId.get(event.id) ?? byBookingId.get(event.privateProperties?.[BOOKING_ID_PROPERTY] ?? "") ?? null;
    try {
      if (await applyPulledEvent(ctx, event, booking, zone)) applied += 1;
    } catch (error) {
      if (isCalendarProviderError(error)) throw error;
      log("calendar sync: could not apply an event", { eventId: event.id, error: String(error) });
      throw error;
    }
  }
  return applied;
}

const isDirty = (b: LinkedBooking) => b.changeSeq > b.pushedSeq;

/** Applies one event from Google; true when it changed something here. */
export async function applyPulledEvent(
  ctx: AuthedContext,
  event: ProviderEvent,
  booking: LinkedBooking | null,
  zone: string,
): Promise<boolean> {
  if (event.status === "cancelled") return applyGoogleDeletion(ctx, event, booking);
  // A free event made in Google holds no time: no busy block for it (one it had goes). Ours, or one the
  // user linked to a client, is a real booking whatever Google shows it as.
  if (event.free && (!booking || isBusyBlock(booking))) return booking ? dropBusyBlock(ctx, booking) : false;
  const parsed = eventTimes(event, zone);
  if (!parsed.ok) return false; // e.g. a zero-length event: nothing a booking can hold
  if (!booking) return importEvent(ctx, event, parsed.times);
  if (booking.googleEtag && booking.googleEtag === event.etag) return false; // our own write coming back
  if (booking.deletedAt || booking.status === "cancelled" || booking.status === "completed") {
    // Final here: the push deletes the event (or leaves a completed one alone); just record the link.
    await ctx.db
      .update(bookings)
      .set({ googleEventId: event.id, googleEtag: event.etag ?? null, googleUpdatedAt: event.updated ?? null })
      .where(eq(bookings.id, booking.id));
    return false;
  }
  const googleTime = event.updated?.getTime() ?? Number.POSITIVE_INFINITY;
  if (isDirty(booking) && booking.updatedAt.getTime() > googleTime) {
    // Both sides changed; ours is newer: keep it, and let the push overwrite Google (with this etag).
    await inTransaction(ctx, async (tx) => {
      await tx.db
        .update(bookings)
        .set({
          googleEventId: event.id,
          googleEtag: event.etag ?? null,
          googleUpdatedAt: event.updated ?? null,
          syncNotice: syncMessages.keptCrm,
        })
        .where(eq(bookings.id, booking.id));
      await recordActivity(tx, syncActivity(booking, "sync_conflict_kept_crm"), null);
    });
    return false;
  }
  const next = {
    title: event.summary?.trim() || booking.title,
    startsAt: parsed.times.startsAt,
    endsAt: parsed.times.endsAt,
    allDay: parsed.times.allDay,
  };
  const changes = diffFields(booking, { ...booking, ...next }, ["title", "startsAt", "endsAt", "allDay"]);
  const lostLocalEdit = isDirty(booking);
  let written = false;
  await writeWithConflictFlag(ctx, next.startsAt, next.endsAt, booking.id, async (tx, conflict) => {
    const updated = await tx.db
      .update(bookings)
      .set({
        ...next,
        googleEventId: event.id,
        googleEtag: event.etag ?? null,
        googleUpdatedAt: event.updated ?? null,
        // Google won: whatever was pending here is superseded, nothing to push back.
        pushedSeq: booking.changeSeq,
        syncConflict: conflict,
        syncNotice: lostLocalEdit ? syncMessages.keptGoogle : booking.syncNotice,
        version: booking.version + 1,
        updatedAt: ctx.clock.now(),
      })
      // Edited here meanwhile: that edit is newer than Google's and will be pushed over it.
      .where(and(eq(bookings.id, booking.id), eq(bookings.version, booking.version)))
      .returning({ id: bookings.id });
    written = updated.length > 0;
    if (!written) return;
    if (Object.keys(changes).length || conflict) {
      const rescheduled = "startsAt" in changes || "endsAt" in changes;
      await recordActivity(
        tx,
        syncActivity(booking, rescheduled ? "rescheduled_in_google" : "updated_in_google", {
          ...changes,
          ...(lostLocalEdit && { notice: { before: null, after: syncMessages.keptGoogle } }),
          ...(conflict && { conflict: { before: null, after: conflict } }),
        }),
        null,
      );
    }
    if (tx.jobs) await syncReminder(tx, booking.id);
  });
  return written;
}

const isBusyBlock = (b: LinkedBooking) => b.source === "google" && b.clientId === null;

/** A busy block mirrors its event only: when the event no longer holds time the block goes. */
async function dropBusyBlock(ctx: AuthedContext, booking: LinkedBooking): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const dropped = await tx.db
      .delete(bookings)
      .where(and(eq(bookings.id, booking.id), eq(bookings.version, booking.version)))
      .returning({ id: bookings.id });
    if (dropped.length === 0) return false; // linked or edited meanwhile: the next sync sees it again
    await recordActivity(tx, syncActivity(booking, "freed_in_google"), null);
    return true;
  });
}

async function applyGoogleDeletion(ctx: AuthedContext, event: ProviderEvent, booking: LinkedBooking | null) {
  if (!booking || booking.deletedAt || booking.status === "cancelled") return false;
  const googleTime = event.updated?.getTime() ?? Number.POSITIVE_INFINITY;
  if (isDirty(booking) && booking.updatedAt.getTime() > googleTime) {
    // Edited here after it was deleted there: ours wins; the push puts the event back.
    await inTransaction(ctx, async (tx) => {
      await tx.db
        .update(bookings)
        .set({ googleEtag: null, syncNotice: syncMessages.deletedInGoogleKeptCrm })
        .where(eq(bookings.id, booking.id));
      await recordActivity(tx, syncActivity(booking, "sync_conflict_kept_crm"), null);
    });
    return false;
  }
  await inTransaction(ctx, async (tx) => {
    if (booking.status === "completed") {
      // Completed is final: keep it here, just forget the event.
      await tx.db
        .update(bookings)
        .set({ googleEventId: null, googleEtag: null, pushedSeq: booking.changeSeq })
        .where(eq(bookings.id, booking.id));
      return;
    }
    await tx.db
      .update(bookings)
      .set({
        status: "cancelled",
        syncConflict: null,
        googleEtag: event.etag ?? null,
        pushedSeq: booking.changeSeq,
        syncNotice: isDirty(booking) ? syncMessages.keptGoogle : booking.syncNotice,
        version: booking.version + 1,
        updatedAt: ctx.clock.now(),
      })
      .where(eq(bookings.id, booking.id));
    await recordActivity(
      tx,
      syncActivity(booking, "cancelled_in_google", { status: { before: booking.status, after: "cancelled" } }),
      null,
    );
    if (tx.jobs) await syncReminder(tx, booking.id);
  });
  return true;
}

/** An event made in Google that is not ours: a "busy" block with no client (linkable later). */
async function importEvent(ctx: AuthedContext, event: ProviderEvent, times: EventTimes): Promise<boolean> {
  const windowStart = ctx.clock.now().getTime() - SYNC_WINDOW.pastDays * DAY;
  if (times.endsAt.getTime() <= windowStart) return false; // incremental results reach outside the window
  await writeWithConflictFlag(ctx, times.startsAt, times.endsAt, undefined, async (tx, conflict) => {
    const now = ctx.clock.now();
    const [row] = await tx.db
      .insert(bookings)
      .values({
        userId: ctx.userId,
        clientId: null,
        title: event.summary?.trim() || "Busy",
        startsAt: times.startsAt,
        endsAt: times.endsAt,
        allDay: times.allDay,
        location: event.location ?? null,
        status: event.status === "tentative" ? "proposed" : "confirmed",
        source: "google",
        googleEventId: event.id,
        googleEtag: event.etag ?? null,
        googleUpdatedAt: event.updated ?? null,
        changeSeq: 1,
        pushedSeq: 1,
        syncConflict: conflict,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordActivity(
      tx,
      syncActivity(row!, "created_in_google", {
        title: { before: null, after: row!.title },
        startsAt: { before: null, after: row!.startsAt.toISOString() },
        endsAt: { before: null, after: row!.endsAt.toISOString() },
        ...(conflict && { conflict: { before: null, after: conflict } }),
      }),
      null,
    );
  });
  return true;
}

/**
 * Writes a booking from Google; if its slot is taken (the exclusion constraint refuses it), writes
 * it again flagged as a conflict, naming the booking in the way. Never drops Google's version.
 */
async function writeWithConflictFlag(
  ctx: AuthedContext,
  startsAt: Date,
  endsAt: Date,
  selfId: string | undefined,
  write: (tx: AuthedContext, conflict: string | null) => Promise<void>,
): Promise<void> {
  try {
    await inTransaction(ctx, (tx) => write(tx, null));
  } catch (error) {
    if (pgErrorCode(error) !== "23P01") throw error;
    const [inTheWay] = await ctx.db
      .select({ title: bookings.title, firstName: clients.firstName, lastName: clients.lastName, email: clients.email })
      .from(bookings)
      .leftJoin(clients, eq(clients.id, bookings.clientId))
      .where(
        and(
          eq(bookings.userId, ctx.userId),
          isNull(bookings.deletedAt),
          isNull(bookings.syncConflict),
          inArray(bookings.status, ["proposed", "confirmed"]),
          lt(bookings.startsAt, endsAt),
          gt(bookings.endsAt, startsAt),
          selfId ? ne(bookings.id, selfId) : undefined,
        ),
      )
      .limit(1);
    const who =
      inTheWay?.firstName || inTheWay?.lastName || inTheWay?.email ? ` with ${clientDisplayName(inTheWay)}` : "";
    const conflict = inTheWay
      ? `Overlaps "${inTheWay.title}"${who}, booked at the same time`
      : "Overlaps another booking at the same time";
    await inTransaction(ctx, (tx) => write(tx, conflict));
  }
}

/** Flags whose overlap is gone (the other booking moved or was cancelled) are cleared. */
async function clearResolvedConflicts(ctx: AuthedContext): Promise<void> {
  const flagged = await ctx.db
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.userId, ctx.userId), isNotNull(bookings.syncConflict), isNull(bookings.deletedAt)));
  for (const { id } of flagged) {
    try {
      await inTransaction(ctx, async (tx) => {
        await tx.db.update(bookings).set({ syncConflict: null }).where(eq(bookings.id, id));
      });
    } catch (error) {
      if (pgErrorCode(error) !== "23P01") throw error; // still overlapping: stays flagged
    }
  }
}

function syncActivity(booking: { id: string; clientId: string | null }, action: string, changes?: Changes) {
  return {
    entityType: "booking" as const,
    entityId: booking.id,
    clientId: booking.clientId,
    action,
    changes: changes ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// CRM → Google

async function pushChanges(
  ctx: AuthedContext,
  session: GoogleSession,
  connection: ConnectionRow,
  zone: string,
  log: SyncLog,
): Promise<number> {
  const windowStart = new Date(ctx.clock.now().getTime() - SYNC_WINDOW.pastDays * DAY);
  let pushed = 0;
  const tried = new Set<string>();
  for (;;) {
    const pending = await ctx.db
      .select({
        booking: bookings,
        clientFirstName: clients.firstName,
        clientLastName: clients.lastName,
        clientEmail: clients.email,
      })
      .from(bookings)
      .leftJoin(clients, eq(clients.id, bookings.clientId))
      .where(
        and(
          eq(bookings.userId, ctx.userId),
          sql`${bookings.changeSeq} > ${bookings.pushedSeq}`,
          or(gt(bookings.endsAt, windowStart), isNotNull(bookings.googleEventId)),
        ),
      )
      .orderBy(asc(bookings.startsAt))
      .limit(PUSH_BATCH);
    const fresh = pending.filter((p) => !tried.has(p.booking.id));
    if (fresh.length === 0) return pushed;
    for (const row of fresh) {
      tried.add(row.booking.id);
      const clientName = row.booking.clientId
        ? clientDisplayName({ firstName: row.clientFirstName, lastName: row.clientLastName, email: row.clientEmail })
        : null;
      if (await pushBooking(ctx, session, connection, row.booking, clientName, zone, log)) pushed += 1;
    }
  }
}

async function markPushed(
  ctx: AuthedContext,
  booking: LinkedBooking,
  event: ProviderEvent | null,
  extra: Partial<LinkedBooking> = {},
) {
  await ctx.db
    .update(bookings)
    .set({
      ...(event && { googleEventId: event.id, googleEtag: event.etag ?? null, googleUpdatedAt: event.updated ?? null }),
      ...extra,
      // Only what was read is marked pushed: an edit made meanwhile stays pending.
      pushedSeq: sql`greatest(${bookings.pushedSeq}, ${booking.changeSeq})` as unknown as number,
    })
    .where(eq(bookings.id, booking.id));
}

async function pushBooking(
  ctx: AuthedContext,
  session: GoogleSession,
  connection: ConnectionRow,
  booking: LinkedBooking,
  clientName: string | null,
  zone: string,
  log: SyncLog,
): Promise<boolean> {
  const calendarId = connection.calendarId;
  const windowStart = ctx.clock.now().getTime() - SYNC_WINDOW.pastDays * DAY;
  const shouldExist = !booking.deletedAt && booking.status !== "cancelled" && booking.endsAt.getTime() > windowStart;
  try {
    if (!shouldExist) {
      if (booking.googleEventId && !booking.deletedAt && booking.status === "completed") {
        await markPushed(ctx, booking, null); // past and final: leave Google's copy as it is
        return false;
      }
      if (booking.googleEventId) {
        try {
          await session.call((api) => api.deleteEvent(calendarId, booking.googleEventId!));
        } catch (error) {
          // Already gone there (410 deleted, 404): the goal is reached.
          if (!(isCalendarProviderError(error) && (error.kind === "gone" || error.kind === "not_found"))) throw error;
        }
        await markPushed(ctx, booking, null, { googleEtag: null });
        return true;
      }
      await markPushed(ctx, booking, null);
      return false;
    }
    const body = bookingToEvent({ ...booking, clientName }, zone);
    let event: ProviderEvent;
    if (!booking.googleEventId) {
      const id = eventIdForBooking(booking.id);
      try {
        event = await session.call((api) => api.insertEvent(calendarId, id, body));
      } catch (error) {
        // Our deterministic id exists already: an earlier attempt got through. Bring it up to date.
        if (!(isCalendarProviderError(error) && error.kind === "duplicate")) throw error;
        event = await session.call((api) => api.patchEvent(calendarId, id, body));
      }
    } else {
      try {
        event = await session.call((api) =>
          api.patchEvent(calendarId, booking.googleEventId!, body, booking.googleEtag ?? undefined),
        );
      } catch (error) {
        if (isCalendarProviderError(error) && error.kind === "precondition_failed") {
          // Changed in Google since we last looked: last write wins.
          const current = await session.call((api) => api.getEvent(calendarId, booking.googleEventId!));
          const googleTime = current.updated?.getTime() ?? Number.POSITIVE_INFINITY;
          if (googleTime >= booking.updatedAt.getTime()) {
            await applyPulledEvent(ctx, current, { ...booking, googleEtag: null }, zone);
            return false;
          }
          event = await session.call((api) => api.patchEvent(calendarId, booking.googleEventId!, body));
          // Ours was newer and overwrote Google's change: tell the user, as a pull that saw it would.
          await inTransaction(ctx, async (tx) => {
            await markPushed(tx, booking, event, { syncNotice: syncMessages.keptCrm });
            await recordActivity(tx, syncActivity(booking, "sync_conflict_kept_crm"), null);
          });
          return true;
        } else if (isCalendarProviderError(error) && error.kind === "not_found") {
          // The event is not in this calendar (e.g. reconnected to another one): create ours there.
          event = await insertOrAdopt(session, calendarId, eventIdForBooking(booking.id), body);
        } else throw error;
      }
    }
    await markPushed(ctx, booking, event);
    return true;
  } catch (error) {
    if (isCalendarProviderError(error) && error.kind === "rejected") {
      // A request Google will never accept (bad data): say so on the booking instead of retrying forever.
      log("calendar sync: Google refused a booking", { bookingId: booking.id, error: error.message });
      await markPushed(ctx, booking, null, { syncNotice: `Google Calendar refused this booking: ${error.message}` });
      return false;
    }
    throw error;
  }
}

async function insertOrAdopt(
  session: GoogleSession,
  calendarId: string,
  id: string,
  body: ReturnType<typeof bookingToEvent>,
): Promise<ProviderEvent> {
  try {
    return await session.call((api) => api.insertEvent(calendarId, id, body));
  } catch (error) {
    if (!(isCalendarProviderError(error) && error.kind === "duplicate")) throw error;
    return session.call((api) => api.patchEvent(calendarId, id, body));
  }
}

// ---------------------------------------------------------------------------------------------
// Push notifications

/** Keeps a watch channel open when push notifications are configured; failures only log (polling covers). */
async function renewChannel(
  ctx: CoreContext,
  session: GoogleSession,
  connection: ConnectionRow,
  log: SyncLog,
): Promise<Partial<ConnectionRow>> {
  const address = calendarDeps(ctx).pushAddress;
  if (!address) return {};
  const now = ctx.clock.now().getTime();
  const open = connection.channelId
    ? { openedAt: connection.channelOpenedAt, expiresAt: connection.channelExpiresAt }
    : null;
  if (!channelNeedsRenewal(open, ctx.clock.now())) return {};
  try {
    const id = randomUUID();
    const token = randomBytes(24).toString("base64url");
    const channel = await session.call((api) =>
      api.watch(connection.calendarId, { id, token, address, expiration: new Date(now + CHANNEL_TTL_MS) }),
    );
    if (connection.channelId && connection.channelResourceId) {
      const old = { id: connection.channelId, resourceId: connection.channelResourceId };
      await session.call((api) => api.stopChannel(old.id, old.resourceId)).catch(() => {});
    }
    return {
      channelId: id,
      channelToken: token,
      channelResourceId: channel.resourceId,
      channelExpiresAt: channel.expiration,
      channelOpenedAt: new Date(now),
    };
  } catch (error) {
    if (error instanceof SyncPaused || error instanceof ReconnectNeeded) throw error;
    log("calendar sync: could not open a push channel (polling continues)", { error: String(error) });
    return {};
  }
}

export { CalendarProviderError };
