import { resolveWallClock } from "@crm/shared";
import { z } from "zod";
import type { ProviderEvent, ProviderEventTime, ProviderEventWrite } from "../ports";

/** The key under extendedProperties.private that marks an event as ours. */
export const BOOKING_ID_PROPERTY = "crmBookingId";

/**
 * Our event id for a booking: Google accepts ids of base32hex characters [a-v0-9], 5–1024 long,
 * and a UUID's hex digits are all in that alphabet. A deterministic id makes a retried insert
 * answer 409 duplicate instead of creating a second event.
 */
export function eventIdForBooking(bookingId: string): string {
  return `crm${bookingId.replaceAll("-", "").toLowerCase()}`;
}

export interface BookingForPush {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  notes: string | null;
  status: "proposed" | "confirmed" | "completed" | "cancelled";
  allDay: boolean;
  clientName: string | null;
  /** "crm" (made here) or "google" (made in Google Calendar, then imported). */
  source: string;
}

/**
 * The Google event a booking becomes. An event made here is ours: every field is written. An event
 * made in Google (a linked or edited "busy" block) gets only what the CRM owns: title, times, status,
 * a location it holds, and our booking id. Its description was never imported (the user's own text:
 * directions, dial-in codes), its location is never blanked, and its time zone stays its own (the
 * patch sends the instant with an offset and leaves `timeZone` out; Google merges nested objects).
 */
export function bookingToEvent(booking: BookingForPush, zone: string): ProviderEventWrite {
  const ours = booking.source !== "google";
  const description = [booking.clientName ? `With ${booking.clientName}` : null, booking.notes]
    .filter(Boolean)
    .join("\n\n");
  return {
    summary: booking.title,
    ...(ours && { description: description || null }),
    ...((ours || booking.location) && { location: booking.location }),
    start: toEventTime(booking.startsAt, booking.allDay, zone, ours),
    end: toEventTime(booking.endsAt, booking.allDay, zone, ours),
    status: booking.status === "proposed" ? "tentative" : "confirmed",
    privateProperties: { [BOOKING_ID_PROPERTY]: booking.id },
  };
}

function toEventTime(instant: Date, allDay: boolean, zone: string, withZone: boolean): ProviderEventTime {
  if (allDay) return { date: localDate(instant, zone) };
  return withZone ? { dateTime: instant.toISOString(), timeZone: zone } : { dateTime: instant.toISOString() };
}

function localDate(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    instant,
  );
}

/** Local midnight of a date in a zone; where midnight does not exist (DST at 00:00), the first valid hour. */
export function startOfLocalDay(date: string, zone: string): Date {
  for (const time of ["00:00", "01:00", "02:00"]) {
    const result = resolveWallClock(`${date}T${time}`, zone);
    if (result.kind === "exact") return result.instant;
    if (result.kind === "ambiguous") return result.earlier;
  }
  throw new Error(`No start of day for ${date} in ${zone}`);
}

const eventTime = z
  .object({
    // With an offset, or local time plus timeZone (Google answers with offsets; writers may not).
    dateTime: z.union([z.iso.datetime({ offset: true }), z.iso.datetime({ local: true })]).optional(),
    date: z.iso.date().optional(),
    timeZone: z.string().optional(),
  })
  .refine((t) => Boolean(t.dateTime) !== Boolean(t.date), "Exactly one of dateTime and date");

/** What a pulled, live event must look like to become a booking (Google payloads are validated). */
export const liveEventSchema = z.object({
  id: z.string().min(1),
  status: z.enum(["confirmed", "tentative"]),
  summary: z.string().optional(),
  start: eventTime,
  end: eventTime,
});

export type EventTimes = { startsAt: Date; endsAt: Date; allDay: boolean };

/**
 * Instants for an event: timed events keep their instant whatever zone they were written in;
 * all-day events span local midnight to local midnight in the user's zone (end date exclusive).
 */
export function eventTimes(
  event: ProviderEvent,
  zone: string,
): { ok: true; times: EventTimes } | { ok: false; reason: string } {
  const parsed = liveEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join(".") || "event"}: ${issue?.message ?? "invalid"}` };
  }
  const { start, end } = parsed.data;
  const allDay = Boolean(start.date);
  const startsAt = start.date ? startOfLocalDay(start.date, zone) : instantOf(start.dateTime!, start.timeZone);
  const endsAt = end.date ? startOfLocalDay(end.date, zone) : instantOf(end.dateTime!, end.timeZone);
  if (!startsAt || !endsAt) return { ok: false, reason: "start: a local time needs a valid timeZone" };
  if (endsAt <= startsAt) return { ok: false, reason: "end: the event ends when it starts" };
  return { ok: true, times: { startsAt, endsAt, allDay } };
}

const HAS_OFFSET = /(Z|[+-]\d{2}:\d{2})$/i;

/** An instant from an RFC3339 time, or from a local time read in its IANA zone. */
function instantOf(dateTime: string, timeZone: string | undefined): Date | null {
  if (HAS_OFFSET.test(dateTime)) return new Date(dateTime);
  if (!timeZone) return null;
  try {
    const result = resolveWallClock(dateTime.slice(0, 16), timeZone);
    if (result.kind === "exact") return result.instant;
    if (result.kind === "ambiguous") return result.earlier;
    return null;
  } catch {
    return null; // not a zone we know
  }
}
