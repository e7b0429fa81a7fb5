import { formatInZone, instantToWallClock, wallClockToInstant } from "@crm/shared";
import { useCallback, useEffect, useState } from "react";
import { trpc } from "./trpc";
import { browserTimeZone } from "./utils";

/**
 * Times on screen are always in the signed-in user's zone (Settings), never the browser's: someone
 * travelling sees their working hours as they set them. Only call below the _authed layout.
 */
export function useUserTimeZone(): string {
  const me = trpc.auth.me.useQuery();
  return me.data?.timeZone ?? browserTimeZone() ?? "UTC";
}

/** "Europe/Berlin" → "Berlin", "America/Argentina/Buenos_Aires" → "Buenos Aires". */
export function zoneLabel(zone: string): string {
  const last = zone.split("/").at(-1) ?? zone;
  return last.replaceAll("_", " ");
}

/** "GMT+5:45" for a zone at a given instant. */
export function zoneOffset(zone: string, at: Date = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName");
    return part?.value ?? "";
  } catch {
    return "";
  }
}

/** "14:30" */
export function formatTime(instant: Date, zone: string): string {
  return formatInZone(instant, zone, "HH:mm");
}

/** "14:30–15:30", or "Thu 5 Mar 23:00 – Fri 6 Mar 01:00" when it crosses midnight. */
export function formatTimeRange(start: Date, end: Date, zone: string): string {
  if (dayKey(start, zone) === dayKey(end, zone) || isMidnightAfter(start, end, zone)) {
    return `${formatTime(start, zone)}–${formatTime(end, zone)}`;
  }
  return `${formatInZone(start, zone, "EEE d MMM HH:mm")} – ${formatInZone(end, zone, "EEE d MMM HH:mm")}`;
}

/** An end at exactly midnight belongs to the day before ("22:00–00:00"). */
function isMidnightAfter(start: Date, end: Date, zone: string): boolean {
  return formatTime(end, zone) === "00:00" && end.getTime() - start.getTime() <= 24 * 3600_000;
}

/** "Thursday 5 March 2026" */
export function formatLongDate(instant: Date, zone: string): string {
  return formatInZone(instant, zone, "EEEE d MMMM yyyy");
}

/** "Thu 5 Mar 2026" */
export function formatShortDate(instant: Date, zone: string): string {
  return formatInZone(instant, zone, "EEE d MMM yyyy");
}

/** "Thu 5 Mar" */
export function formatDayMonth(instant: Date, zone: string): string {
  return formatInZone(instant, zone, "EEE d MMM");
}

/** "Thu 5 Mar 2026, 14:30" */
export function formatDateTime(instant: Date, zone: string): string {
  return formatInZone(instant, zone, "EEE d MMM yyyy, HH:mm");
}

/**
 * The day(s) an all-day booking covers, its end being the midnight after its last day: "Thu 5 Mar 2026",
 * or "Thu 5 Mar 2026 – Sat 7 Mar 2026" (long: "Thursday 5 March 2026 – …").
 */
export function formatDayRange(start: Date, end: Date, zone: string, style: "short" | "long" = "short"): string {
  const format = style === "long" ? formatLongDate : formatShortDate;
  const first = format(start, zone);
  const last = format(new Date(Math.max(start.getTime(), end.getTime() - 1)), zone);
  return first === last ? first : `${first} – ${last}`;
}

/** The calendar day ("yyyy-MM-dd") an instant falls on in a zone. */
export function dayKey(instant: Date, zone: string): string {
  return instantToWallClock(instant, zone).slice(0, 10);
}

/** "yyyy-MM-dd" plus n days (calendar arithmetic, no zone involved). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The first instant of a calendar day in a zone (a day whose midnight is skipped starts at 01:00). */
export function startOfDay(day: string, zone: string): Date {
  for (const time of ["00:00", "01:00"]) {
    const result = wallClockToInstant(`${day}T${time}`, zone);
    if (result.ok) return result.instant;
  }
  return new Date(`${day}T00:00:00Z`);
}

/** "Today", "Tomorrow", "Yesterday" or "Thursday 5 March" (with the year when it is not this year). */
export function relativeDayLabel(day: string, zone: string, now: Date = new Date()): string {
  const today = dayKey(now, zone);
  if (day === today) return "Today";
  if (day === addDays(today, 1)) return "Tomorrow";
  if (day === addDays(today, -1)) return "Yesterday";
  return dayName(day, now, zone);
}

/** "Thursday 26 November" (with the year when it is not this year's): a day's full name. */
export function dayName(day: string, now: Date = new Date(), zone = "UTC"): string {
  const noon = new Date(`${day}T12:00:00Z`);
  const sameYear = day.slice(0, 4) === dayKey(now, zone).slice(0, 4);
  return formatInZone(noon, "UTC", sameYear ? "EEEE d MMMM" : "EEEE d MMMM yyyy");
}

/** "45 min", "1 h", "1 h 30 min" */
export function durationLabel(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

const NOTICE_KEY = "crm.timeZoneShown";

/**
 * A one-time notice after the user's zone changed: compares the zone times are shown in now with the
 * one remembered from the last visit. Dismissing remembers the new zone.
 */
export function useTimeZoneNotice(userId: string | undefined, zone: string) {
  const key = userId ? `${NOTICE_KEY}:${userId}` : null;
  const [previous, setPrevious] = useState<string | null>(null);

  useEffect(() => {
    if (!key) return;
    let remembered: string | null = null;
    try {
      remembered = window.localStorage.getItem(key);
      // The first visit just remembers the zone: there is nothing to tell yet.
      if (!remembered) window.localStorage.setItem(key, zone);
    } catch {
      remembered = null;
    }
    setPrevious(remembered && remembered !== zone ? remembered : null);
  }, [key, zone]);

  const dismiss = useCallback(() => {
    if (!key) return;
    try {
      window.localStorage.setItem(key, zone);
    } catch {
      // Storage may be unavailable (private mode): the notice just goes away for this visit.
    }
    setPrevious(null);
  }, [key, zone]);

  return { changedFrom: previous, dismiss };
}

function safeFormat(instant: Date, zone: string, pattern: string): string {
  try {
    return formatInZone(instant, zone, pattern);
  } catch {
    return formatInZone(instant, "UTC", pattern);
  }
}

/** "Thu 5 Mar, 14:30" this year; "5 Mar 2025, 14:30" otherwise. */
export function formatWhen(instant: Date, zone: string, now: Date = new Date()): string {
  const sameYear = safeFormat(instant, zone, "yyyy") === safeFormat(now, zone, "yyyy");
  return safeFormat(instant, zone, sameYear ? "EEE d MMM, HH:mm" : "d MMM yyyy, HH:mm");
}

/** "Thursday 5 March 2026, 14:30:05 (Europe/Berlin)", for a tooltip. */
export function formatFull(instant: Date, zone: string): string {
  return `${safeFormat(instant, zone, "EEEE d MMMM yyyy, HH:mm:ss")} (${zone})`;
}

/** "14:30" today, "Thu 5 Mar, 14:30" otherwise. */
export function formatShort(instant: Date, zone: string, now: Date = new Date()): string {
  if (safeFormat(instant, zone, "yyyy-MM-dd") === safeFormat(now, zone, "yyyy-MM-dd")) {
    return `today, ${safeFormat(instant, zone, "HH:mm")}`;
  }
  return formatWhen(instant, zone, now);
}
