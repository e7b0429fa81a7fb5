import { instantToWallClock, wallClockToInstant } from "@crm/shared";
import { addDays } from "../../lib/time";
import type { PickedClient } from "./client-picker";
import type { BookingView } from "./types";

/** What a new booking starts from (a calendar slot, a client page...). */
export interface BookingDraft {
  client?: PickedClient | null;
  startsAt?: Date;
  endsAt?: Date;
}

export type FieldName = "client" | "title" | "time" | "location" | "notes" | "clientZone";

export interface Values {
  client: PickedClient | null;
  title: string;
  date: string;
  start: string;
  end: string;
  location: string;
  notes: string;
  clientZone: string;
  status: "proposed" | "confirmed";
}

export const SERVER_FIELDS: Record<string, FieldName> = {
  clientId: "client",
  title: "title",
  startsAt: "time",
  endsAt: "time",
  location: "location",
  notes: "notes",
  timeZone: "clientZone",
};

/** The next whole hour from now, as a default start. */
function nextHour(): Date {
  const d = new Date(Date.now() + 3600_000);
  d.setMinutes(0, 0, 0);
  return d;
}

export function initialValues(zone: string, booking?: BookingView | null, draft?: BookingDraft | null): Values {
  const startsAt = booking?.startsAt ?? draft?.startsAt ?? nextHour();
  const endsAt = booking?.endsAt ?? draft?.endsAt ?? new Date(startsAt.getTime() + 3600_000);
  const start = instantToWallClock(startsAt, zone);
  const end = instantToWallClock(endsAt, zone);
  return {
    client: booking?.clientId
      ? { id: booking.clientId, name: booking.clientName ?? "Client" }
      : (draft?.client ?? null),
    title: booking?.title ?? "Session",
    date: start.slice(0, 10),
    start: start.slice(11),
    end: end.slice(11),
    location: booking?.location ?? "",
    notes: booking?.notes ?? "",
    clientZone: booking?.timeZone ?? "",
    status: "proposed",
  };
}

export function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function timeOf(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

export type Span =
  | { ok: true; startsAt: Date; endsAt: Date; nextDay: boolean; note?: string }
  | { ok: false; message: string | null };

/** Reads the date and wall-clock times as the user's zone says them (DST gaps and repeats included). */
export function readSpan(values: Values, zone: string): Span {
  if (!values.date || !values.start || !values.end) return { ok: false, message: "Enter a date, a start and an end" };
  if (values.start === values.end) return { ok: false, message: "The end must be after the start" };
  const nextDay = minutesOf(values.end) < minutesOf(values.start);
  const start = wallClockToInstant(`${values.date}T${values.start}`, zone);
  if (!start.ok) return { ok: false, message: start.message };
  const endDay = nextDay ? addDays(values.date, 1) : values.date;
  const end = wallClockToInstant(`${endDay}T${values.end}`, zone);
  if (!end.ok) return { ok: false, message: end.message };
  const notes = [start.note, end.note].filter(Boolean);
  return {
    ok: true,
    startsAt: start.instant,
    endsAt: end.instant,
    nextDay,
    ...(notes.length ? { note: notes.join(" ") } : {}),
  };
}
