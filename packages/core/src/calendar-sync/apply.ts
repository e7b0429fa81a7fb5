/** Google → CRM: each pulled event is applied to the booking it is linked to, or becomes one. */
import { schema } from "@crm/db";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { diffFields, recordActivity } from "../activity/activity";
import type { AuthedContext } from "../context";
import { isCalendarProviderError, type ProviderEvent } from "../ports";
import { syncReminder } from "../reminders/reminders";
import { inTransaction, retryOnConflict } from "../transaction";
import { dropBusyBlock, importEvent, isBusyBlock } from "./busy-blocks";
import { isDirty, keepLocalEdit, localEditIsNewer, writeWithConflictFlag } from "./conflicts";
import { BOOKING_ID_PROPERTY, type EventTimes, eventTimes } from "./mapping";
import { syncMessages } from "./outcomes";
import { syncActivity } from "./sync-activity";
import type { LinkedBooking, SyncLog } from "./types";

const { bookings } = schema;

const UUID = /^[0-9a-f-]{36}$/i;

/** Applies a page of pulled events; answers how many changed something here. */
export async function applyEvents(
  ctx: AuthedContext,
  events: ProviderEvent[],
  zone: string,
  log: SyncLog,
): Promise<number> {
  if (events.length === 0) return 0;
  const bookingFor = await linkedBookings(ctx, events);
  let applied = 0;
  for (const event of events) {
    try {
      if (await retryOnConflict(() => applyPulledEvent(ctx, event, bookingFor(event), zone))) applied += 1;
    } catch (error) {
      if (!isCalendarProviderError(error)) {
        log("calendar sync: could not apply an event", { eventId: event.id, error: String(error) });
      }
      throw error;
    }
  }
  return applied;
}

/**
 * The bookings these events belong to: linked by event id, or ours by the booking id the event
 * carries (a link lost to a crash between insert and save, or to a reconnect).
 */
async function linkedBookings(
  ctx: AuthedContext,
  events: ProviderEvent[],
): Promise<(event: ProviderEvent) => LinkedBooking | null> {
  const linked = await ctx.db
    .select()
    .from(bookings)
    .where(
      and(
        eq(bookings.userId, ctx.userId),
        inArray(
          bookings.googleEventId,
          events.map((e) => e.id),
        ),
      ),
    );
  const ownIds = events
    .map((e) => e.privateProperties?.[BOOKING_ID_PROPERTY])
    .filter((id): id is string => typeof id === "string" && UUID.test(id));
  const own = ownIds.length
    ? await ctx.db
        .select()
        .from(bookings)
        .where(and(eq(bookings.userId, ctx.userId), inArray(bookings.id, ownIds)))
    : [];
  const byEventId = new Map(linked.map((b) => [b.googleEventId!, b]));
  const byBookingId = new Map(own.map((b) => [b.id, b]));
  return (event) =>
    byEventId.get(event.id) ?? byBookingId.get(event.privateProperties?.[BOOKING_ID_PROPERTY] ?? "") ?? null;
}

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
    await ctx.db.update(bookings).set(linkTo(event)).where(eq(bookings.id, booking.id));
    return false;
  }
  if (localEditIsNewer(booking, event)) {
    // Both sides changed; ours is newer: keep it, and let the push overwrite Google (with this etag).
    await keepLocalEdit(ctx, booking, { ...linkTo(event), syncNotice: syncMessages.keptCrm });
    return false;
  }
  return applyGoogleEdit(ctx, event, booking, parsed.times);
}

/** The link to an event as last seen: a later pull whose etag matches brings nothing new. */
function linkTo(event: ProviderEvent) {
  return { googleEventId: event.id, googleEtag: event.etag ?? null, googleUpdatedAt: event.updated ?? null };
}

/** Google's version wins: its title and times replace ours, unless the booking was edited meanwhile. */
async function applyGoogleEdit(
  ctx: AuthedContext,
  event: ProviderEvent,
  booking: LinkedBooking,
  times: EventTimes,
): Promise<boolean> {
  const next = {
    title: event.summary?.trim() || booking.title,
    startsAt: times.startsAt,
    endsAt: times.endsAt,
    allDay: times.allDay,
  };
  const changes = diffFields(booking, { ...booking, ...next }, ["title", "startsAt", "endsAt", "allDay"]);
  const lostLocalEdit = isDirty(booking);
  let written = false;
  await writeWithConflictFlag(ctx, next.startsAt, next.endsAt, booking.id, async (tx, conflict) => {
    const updated = await tx.db
      .update(bookings)
      .set({
        ...next,
        ...linkTo(event),
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

/** The event was deleted in Google: the booking is cancelled, unless it was edited here since. */
export async function applyGoogleDeletion(
  ctx: AuthedContext,
  event: ProviderEvent,
  booking: LinkedBooking | null,
): Promise<boolean> {
  if (!booking || booking.deletedAt || booking.status === "cancelled") return false;
  if (localEditIsNewer(booking, event)) {
    // Edited here after it was deleted there: ours wins; the push puts the event back.
    await keepLocalEdit(ctx, booking, { googleEtag: null, syncNotice: syncMessages.deletedInGoogleKeptCrm });
    return false;
  }
  if (booking.status === "completed") {
    // Completed is final: keep it here, just forget the event.
    await ctx.db
      .update(bookings)
      .set({ googleEventId: null, googleEtag: null, pushedSeq: booking.changeSeq })
      .where(eq(bookings.id, booking.id));
    return true;
  }
  await inTransaction(ctx, async (tx) => {
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

/** Links keep their event id (a reconnect matches events instead of duplicating them); the etag goes. */
export async function forgetEtags(ctx: AuthedContext): Promise<void> {
  await ctx.db
    .update(bookings)
    .set({ googleEtag: null })
    .where(and(eq(bookings.userId, ctx.userId), isNotNull(bookings.googleEventId), isNotNull(bookings.googleEtag)));
}
