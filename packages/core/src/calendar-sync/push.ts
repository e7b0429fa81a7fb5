/** CRM → Google: every booking changed here since its last push goes out. */
import { schema } from "@crm/db";
import { clientDisplayName } from "@crm/shared";
import { and, asc, eq, gt, isNotNull, or, sql } from "drizzle-orm";
import { recordActivity } from "../activity/activity";
import type { AuthedContext } from "../context";
import { openBookingNotes } from "../crypto/sensitive";
import { isCalendarProviderError, type ProviderEvent } from "../ports";
import { dropErasedBooking, ERASED_BOOKING_SOURCE } from "../privacy/erase-client";
import { inTransaction, retryOnConflict } from "../transaction";
import { applyPulledEvent } from "./apply";
import type { GoogleSession } from "./google-session";
import { bookingToEvent, eventIdForBooking } from "./mapping";
import { syncMessages } from "./outcomes";
import { syncActivity } from "./sync-activity";
import { windowStart } from "./sync-window";
import type { ConnectionRow, LinkedBooking, SyncLog } from "./types";

const { bookings, clients } = schema;

const PUSH_BATCH = 200;

type EventBody = ReturnType<typeof bookingToEvent>;

/** What one booking's push needs besides the booking. */
interface PushTarget {
  session: GoogleSession;
  calendarId: string;
  zone: string;
  log: SyncLog;
}

/** Pushes every pending booking, a batch at a time; answers how many reached Google. */
export async function pushChanges(
  ctx: AuthedContext,
  session: GoogleSession,
  connection: ConnectionRow,
  zone: string,
  log: SyncLog,
): Promise<number> {
  const target: PushTarget = { session, calendarId: connection.calendarId, zone, log };
  let pushed = 0;
  // A booking that stays pending (edited again during its push) waits for the next run.
  const tried = new Set<string>();
  const since = windowStart(ctx.clock.now());
  for (;;) {
    const fresh = (await pendingBookings(ctx, since)).filter((p) => !tried.has(p.booking.id));
    if (fresh.length === 0) return pushed;
    for (const { booking, clientName, notes } of fresh) {
      tried.add(booking.id);
      if (await pushBooking(ctx, target, booking, { clientName, notes })) pushed += 1;
    }
  }
}

/** Changed here and not pushed yet, inside the window or linked to an event; the earliest first. */
async function pendingBookings(ctx: AuthedContext, windowStart: Date) {
  const rows = await ctx.db
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
  return rows.map((row) => ({
    booking: row.booking,
    clientName: row.booking.clientId
      ? clientDisplayName({ firstName: row.clientFirstName, lastName: row.clientLastName, email: row.clientEmail })
      : null,
    // Google gets the notes as text (the event's description); only our database holds them sealed.
    notes: openBookingNotes(ctx, ctx.userId, row.booking),
  }));
}

/** Records what was pushed. */
async function markPushed(
  ctx: AuthedContext,
  booking: LinkedBooking,
  event: ProviderEvent | null,
  extra: Partial<LinkedBooking> = {},
): Promise<void> {
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

/**
 * markPushed outside a transaction, retried alone after a deadlock (running the whole push again would
 * call Google twice). It can deadlock: pushed_seq is in a partial index's predicate, so the update is
 * never HOT and goes through the no-overlap constraint's check like a move.
 */
const savePushed = (...args: Parameters<typeof markPushed>) => retryOnConflict(() => markPushed(...args));

/** Brings Google in line with one booking; true when Google was changed. */
async function pushBooking(
  ctx: AuthedContext,
  target: PushTarget,
  booking: LinkedBooking,
  shown: { clientName: string | null; notes: string | null },
): Promise<boolean> {
  const shouldExist =
    !booking.deletedAt &&
    booking.status !== "cancelled" &&
    booking.endsAt.getTime() > windowStart(ctx.clock.now()).getTime();
  try {
    if (!shouldExist) return await removeFromGoogle(ctx, target, booking);
    const body = bookingToEvent({ ...booking, ...shown }, target.zone);
    if (!booking.googleEventId) {
      const event = await insertOrAdopt(target, eventIdForBooking(booking.id), body);
      await savePushed(ctx, booking, event);
      return true;
    }
    return await updateInGoogle(ctx, target, booking, booking.googleEventId, body);
  } catch (error) {
    if (!(isCalendarProviderError(error) && error.kind === "rejected")) throw error;
    // A request Google will never accept (bad data): say so on the booking instead of retrying forever.
    target.log("calendar sync: Google refused a booking", { bookingId: booking.id, error: error.message });
    await savePushed(ctx, booking, null, { syncNotice: `Google Calendar refused this booking: ${error.message}` });
    return false;
  }
}

/** Cancelled, deleted or out of the window: its event goes, except a completed one's. */
async function removeFromGoogle(ctx: AuthedContext, target: PushTarget, booking: LinkedBooking): Promise<boolean> {
  const eventId = booking.googleEventId;
  if (!eventId || (!booking.deletedAt && booking.status === "completed")) {
    // Nothing there, or past and final: leave Google's copy as it is.
    await savePushed(ctx, booking, null);
    return false;
  }
  try {
    await target.session.call((api) => api.deleteEvent(target.calendarId, eventId));
  } catch (error) {
    // Already gone there (410 deleted, 404): the goal is reached.
    if (!(isCalendarProviderError(error) && (error.kind === "gone" || error.kind === "not_found"))) throw error;
  }
  await savePushed(ctx, booking, null, { googleEtag: null });
  // An erased client's booking was kept (blank) only for this deletion.
  if (booking.source === ERASED_BOOKING_SOURCE) await dropErasedBooking(ctx, booking.id);
  return true;
}

/** Our deterministic id exists already: an earlier attempt got through. Bring it up to date. */
async function insertOrAdopt(target: PushTarget, id: string, body: EventBody): Promise<ProviderEvent> {
  try {
    return await target.session.call((api) => api.insertEvent(target.calendarId, id, body));
  } catch (error) {
    if (!(isCalendarProviderError(error) && error.kind === "duplicate")) throw error;
    return target.session.call((api) => api.patchEvent(target.calendarId, id, body));
  }
}

/** Patches the linked event, on the condition that it is still the version we last saw. */
async function updateInGoogle(
  ctx: AuthedContext,
  target: PushTarget,
  booking: LinkedBooking,
  eventId: string,
  body: EventBody,
): Promise<boolean> {
  let event: ProviderEvent;
  try {
    event = await target.session.call((api) =>
      api.patchEvent(target.calendarId, eventId, body, booking.googleEtag ?? undefined),
    );
  } catch (error) {
    if (isCalendarProviderError(error) && error.kind === "precondition_failed") {
      return resolveChangedInGoogle(ctx, target, booking, eventId, body);
    }
    if (!(isCalendarProviderError(error) && error.kind === "not_found")) throw error;
    // The event is not in this calendar (e.g. reconnected to another one): create ours there.
    event = await insertOrAdopt(target, eventIdForBooking(booking.id), body);
  }
  await savePushed(ctx, booking, event);
  return true;
}

/** 412: changed in Google since we last looked. Last write wins. */
async function resolveChangedInGoogle(
  ctx: AuthedContext,
  target: PushTarget,
  booking: LinkedBooking,
  eventId: string,
  body: EventBody,
): Promise<boolean> {
  const current = await target.session.call((api) => api.getEvent(target.calendarId, eventId));
  const googleTime = current.updated?.getTime() ?? Number.POSITIVE_INFINITY;
  if (googleTime >= booking.updatedAt.getTime()) {
    await retryOnConflict(() => applyPulledEvent(ctx, current, { ...booking, googleEtag: null }, target.zone));
    return false;
  }
  const event = await target.session.call((api) => api.patchEvent(target.calendarId, eventId, body));
  // Ours was newer and overwrote Google's change: tell the user, as a pull that saw it would.
  await retryOnConflict(() =>
    inTransaction(ctx, async (tx) => {
      await markPushed(tx, booking, event, { syncNotice: syncMessages.keptCrm });
      await recordActivity(tx, syncActivity(booking, "sync_conflict_kept_crm"), null);
    }),
  );
  return true;
}
