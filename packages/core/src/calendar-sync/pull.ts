/** Google → CRM: lists what changed in Google since the sync token and applies it. */
import { schema } from "@crm/db";
import { and, eq, gt, isNotNull, isNull, lt, ne } from "drizzle-orm";
import type { AuthedContext } from "../context";
import { isCalendarProviderError, type ProviderEvent } from "../ports";
import { retryOnConflict } from "../transaction";
import { applyEvents, applyGoogleDeletion, forgetEtags } from "./apply";
import type { GoogleSession } from "./google-session";
import { DAY, SYNC_WINDOW, syncWindow } from "./sync-window";
import type { ConnectionRow, SyncLog } from "./types";

const { bookings, calendarConnections } = schema;

const PAGE_SIZE = 2500;

type Window = { timeMin: Date; timeMax: Date };

/** What a run knows of the listing so far; a 410 or an account change updates it mid-run. */
interface Listing {
  syncToken: string | undefined;
  accountEmail: string | null;
}

/**
 * Pulls Google's changes since the sync token: a full listing the first time, after a 410, and
 * when the window is due to move forward. Matching by event id keeps a full listing free of
 * duplicates; the new token replaces the old one.
 */
export async function pullChanges(
  ctx: AuthedContext,
  session: GoogleSession,
  connection: ConnectionRow,
  zone: string,
  log: SyncLog,
): Promise<{ pulled: number; fullSync: boolean }> {
  const now = ctx.clock.now();
  const window = syncWindow(now);
  const listing: Listing = { syncToken: startingToken(connection, now, log), accountEmail: connection.accountEmail };
  for (;;) {
    try {
      return await listAndApply(ctx, session, connection, listing, { now, window, zone, log });
    } catch (error) {
      if (!(isCalendarProviderError(error) && error.kind === "sync_token_expired" && listing.syncToken)) throw error;
      // 410: start over with a full listing.
      log("calendar sync: sync token expired, full sync", { connectionId: connection.id });
      listing.syncToken = undefined;
      await ctx.db
        .update(calendarConnections)
        .set({ syncToken: null })
        .where(eq(calendarConnections.id, connection.id));
    }
  }
}

/**
 * With a token the window stays where the last full listing put it (its far edge comes closer every
 * day, so a series stops being expanded): once that is `resyncDays` old, list everything again.
 */
function startingToken(connection: ConnectionRow, now: Date, log: SyncLog): string | undefined {
  if (!connection.syncToken) return undefined;
  const windowAge = connection.fullSyncedAt ? now.getTime() - connection.fullSyncedAt.getTime() : Infinity;
  if (windowAge < SYNC_WINDOW.resyncDays * DAY) return connection.syncToken;
  log("calendar sync: sync window due to move forward, full sync", { connectionId: connection.id });
  return undefined;
}

/** One listing, every page of it, each applied as it comes. */
async function listAndApply(
  ctx: AuthedContext,
  session: GoogleSession,
  connection: ConnectionRow,
  listing: Listing,
  run: { now: Date; window: Window; zone: string; log: SyncLog },
): Promise<{ pulled: number; fullSync: boolean }> {
  const { syncToken } = listing;
  const fullSync = !syncToken;
  const listed = new Set<string>();
  let pulled = 0;
  let pageToken: string | undefined;
  do {
    const page = await session.call((api) =>
      api.listEvents(
        connection.calendarId,
        syncToken
          ? { syncToken, pageToken, maxResults: PAGE_SIZE }
          : { pageToken, maxResults: PAGE_SIZE, ...run.window },
      ),
    );
    await noteAccount(ctx, connection, listing, page.calendarSummary, run.log);
    pulled += await applyEvents(ctx, page.items, run.zone, run.log);
    if (fullSync) for (const event of page.items) listed.add(event.id);
    pageToken = page.nextPageToken;
    if (!pageToken) {
      // Before the token is stored: a run that fails here lists everything again next time.
      if (fullSync) pulled += await applyVanished(ctx, listed, run.window, run.log);
      // The sync token comes on the last page only; store it once every page was applied.
      if (page.nextSyncToken) await saveSyncToken(ctx, connection.id, page.nextSyncToken, fullSync ? run.now : null);
    }
  } while (pageToken);
  return { pulled, fullSync };
}

/**
 * A primary calendar's summary is its account. Reconnected as someone else: the etags we hold
 * belong to the other account's events, so they no longer prove a link (see applyVanished).
 */
async function noteAccount(
  ctx: AuthedContext,
  connection: ConnectionRow,
  listing: Listing,
  calendarSummary: string | undefined,
  log: SyncLog,
): Promise<void> {
  if (!calendarSummary || calendarSummary === listing.accountEmail || connection.calendarId !== "primary") return;
  if (listing.accountEmail) {
    log("calendar sync: connected to another Google account", { connectionId: connection.id });
    await forgetEtags(ctx);
  }
  await ctx.db
    .update(calendarConnections)
    .set({ accountEmail: calendarSummary })
    .where(eq(calendarConnections.id, connection.id));
  listing.accountEmail = calendarSummary;
}

/** A full listing (`fullSyncedAt` set) anchors the window at its start: timeMin = then - pastDays. */
async function saveSyncToken(ctx: AuthedContext, connectionId: string, syncToken: string, fullSyncedAt: Date | null) {
  await ctx.db
    .update(calendarConnections)
    .set({ syncToken, ...(fullSyncedAt && { fullSyncedAt }) })
    .where(eq(calendarConnections.id, connectionId));
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
async function applyVanished(ctx: AuthedContext, listed: Set<string>, window: Window, log: SyncLog): Promise<number> {
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
    const tombstone: ProviderEvent = { id: booking.googleEventId!, status: "cancelled" };
    if (await retryOnConflict(() => applyGoogleDeletion(ctx, tombstone, booking))) applied += 1;
  }
  return applied;
}
