/**
 * Recurring series: expanding a master into its occurrences (in the series' time zone, so wall-clock times hold
 * across DST), instance ids "<masterId>_<YYYYMMDDTHHMMSSZ>" (all-day: "<masterId>_<YYYYMMDD>"), and windows.
 */

import { parseRecurrence, type Recurrence, type Rule } from "./recurrence-rule";
import {
  DAY,
  dateString,
  dayNumber,
  daysInMonth,
  isoSeconds,
  wallDate,
  wallParts,
  weekday,
  ymd,
  zonedToUtc,
} from "./time";
import type { FakeGoogleEvent, FakeGoogleEventDateTime } from "./types";

/** Instances answered at most for one series when the query sets no timeMax. */
export const INSTANCE_CAP = 1000;
const UNBOUNDED_HORIZON_MS = 2 * 365 * DAY;
const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

export interface Occurrence {
  startMs: number;
  endMs: number;
  start: FakeGoogleEventDateTime;
  end: FakeGoogleEventDateTime;
  suffix: string;
}

/**
 * How far a series is expanded when the query sets no timeMax: a rule with COUNT or UNTIL to its end (callers stop
 * at INSTANCE_CAP instances), an endless one for two years past its start or now, whichever is later.
 */
export function defaultHorizon(master: FakeGoogleEvent, now: number): number {
  const finite = (master.recurrence ?? []).some((line) => /^RRULE:.*\b(COUNT|UNTIL)=/i.test(line.trim()));
  return finite ? Number.POSITIVE_INFINITY : Math.max(startMsOf(master), now) + UNBOUNDED_HORIZON_MS;
}

export function startMsOf(ev: FakeGoogleEvent): number {
  return timeMs(ev.start);
}

function timeMs(t: FakeGoogleEventDateTime | undefined): number {
  if (!t) return 0;
  if (t.dateTime) return Date.parse(t.dateTime);
  if (t.date) return Date.parse(`${t.date}T00:00:00Z`);
  return 0;
}

export function overlaps(ev: FakeGoogleEvent, min: number | undefined, max: number | undefined): boolean {
  if (min !== undefined && timeMs(ev.end) <= min) return false;
  if (max !== undefined && timeMs(ev.start) >= max) return false;
  return true;
}

export function seriesOverlaps(master: FakeGoogleEvent, min: number | undefined, max: number | undefined): boolean {
  if (min === undefined && max === undefined) return true;
  const horizon = max ?? Number.POSITIVE_INFINITY;
  let steps = 0;
  for (const occ of expand(master, horizon)) {
    if (min === undefined || occ.endMs > min) return true;
    if (++steps > 100_000) return false;
  }
  return false;
}

/** Occurrences of a series in start order, up to (excluding) `horizonMs`. */
// Not rrule: for a rule that matches no day it scans to the year 9999, blocking the server; `until` can't stop it.
export function* expand(master: FakeGoogleEvent, horizonMs: number): Generator<Occurrence> {
  const allDay = !!master.start?.date;
  const tz = master.start?.timeZone ?? "UTC";
  let recurrence: Recurrence;
  try {
    recurrence = parseRecurrence(master.recurrence ?? [], tz, allDay);
  } catch {
    return;
  }
  const { rule, exMs, exDates } = recurrence;
  const startMs = timeMs(master.start);
  const durationMs = timeMs(master.end) - startMs;
  const wall = allDay ? wallParts(startMs, "UTC") : wallParts(startMs, tz);
  const startDay = dayNumber(wall.y, wall.mo, wall.d);
  let emitted = 0;
  let steps = 0;
  for (const day of candidateDays(rule, startDay, wall)) {
    if (++steps > 200_000) return;
    if (Number.isNaN(day)) continue; // a period without candidates
    const { y, mo, d } = ymd(day);
    const occStart = allDay ? day * DAY : zonedToUtc(y, mo, d, wall.h, wall.mi, wall.s, tz);
    if (occStart >= horizonMs) return;
    const date = dateString(day);
    if (rule.untilDate !== undefined && date > rule.untilDate) return;
    if (rule.untilMs !== undefined && occStart > rule.untilMs) return;
    emitted += 1;
    if (rule.count !== undefined && emitted > rule.count) return;
    if (allDay ? exDates.has(date) : exMs.has(occStart) || exDates.has(wallDate(occStart, tz))) continue;
    yield occurrence(master, occStart, occStart + durationMs, day);
  }
}

/** The occurrence of `master` starting at `startMs` (on calendar day `day` for an all-day series). */
function occurrence(master: FakeGoogleEvent, startMs: number, endMs: number, day: number): Occurrence {
  if (master.start?.date) {
    const date = dateString(day);
    return {
      startMs,
      endMs,
      start: { date },
      end: { date: dateString(day + Math.round((endMs - startMs) / DAY)) },
      suffix: date.replaceAll("-", ""),
    };
  }
  const start: FakeGoogleEventDateTime = { dateTime: isoSeconds(startMs) };
  if (master.start?.timeZone) start.timeZone = master.start.timeZone;
  const end: FakeGoogleEventDateTime = { dateTime: isoSeconds(endMs) };
  if (master.end?.timeZone) end.timeZone = master.end.timeZone;
  return { startMs, endMs, start, end, suffix: isoSeconds(startMs).replace(/[-:]/g, "") };
}

function* candidateDays(rule: Rule, startDay: number, wall: { y: number; mo: number; d: number }): Generator<number> {
  const dayFilter = (day: number) => {
    const { mo, d, y } = ymd(day);
    if (rule.byMonth && !rule.byMonth.includes(mo)) return false;
    if (rule.byDay && rule.freq === "DAILY" && !rule.byDay.some((b) => b.wd === weekday(day))) return false;
    if (rule.byMonthDay && (rule.freq === "DAILY" || rule.freq === "WEEKLY")) {
      const len = daysInMonth(y, mo);
      if (!rule.byMonthDay.some((n) => (n > 0 ? n : len + n + 1) === d)) return false;
    }
    return true;
  };
  // Every period yields at least once (NaN when nothing matched) so expand() can bound the work.
  if (rule.freq === "DAILY") {
    for (let day = startDay; ; day += rule.interval) yield dayFilter(day) ? day : Number.NaN;
  }
  if (rule.freq === "WEEKLY") {
    const weekStart = startDay - ((weekday(startDay) - rule.wkst + 7) % 7);
    const offsets = [
      ...new Set((rule.byDay ?? [{ wd: weekday(startDay) }]).map((b) => (b.wd - rule.wkst + 7) % 7)),
    ].sort((a, b) => a - b);
    for (let w = 0; ; w++) {
      const base = weekStart + w * 7 * rule.interval;
      let any = false;
      for (const offset of offsets) {
        const day = base + offset;
        if (day >= startDay && dayFilter(day)) {
          any = true;
          yield day;
        }
      }
      if (!any) yield Number.NaN;
    }
  }
  for (let k = 0; ; k++) {
    const years = rule.freq === "YEARLY" ? [wall.y + k * rule.interval] : [];
    const months: { y: number; mo: number }[] = [];
    if (rule.freq === "MONTHLY") {
      const index = wall.mo - 1 + k * rule.interval;
      const mo = (index % 12) + 1;
      if (!rule.byMonth || rule.byMonth.includes(mo)) months.push({ y: wall.y + Math.floor(index / 12), mo });
    } else {
      // A yearly BYMONTHDAY without BYMONTH expands to every month (RFC 5545 §3.3.10); otherwise the start's month.
      const yearMonths = rule.byMonth ?? (rule.byMonthDay ? ALL_MONTHS : [wall.mo]);
      for (const y of years) for (const mo of yearMonths) months.push({ y, mo });
    }
    let any = false;
    for (const { y, mo } of months) {
      for (const day of monthDays(rule, y, mo, wall.d)) {
        if (day >= startDay) {
          any = true;
          yield day;
        }
      }
    }
    if (!any) yield Number.NaN;
  }
}

function monthDays(rule: Rule, y: number, mo: number, defaultDay: number): number[] {
  const len = daysInMonth(y, mo);
  const first = dayNumber(y, mo, 1);
  let days: number[];
  if (rule.byDay) {
    days = [];
    for (const b of rule.byDay) {
      const matching: number[] = [];
      for (let d = 0; d < len; d++) if (weekday(first + d) === b.wd) matching.push(first + d);
      if (b.n === undefined) days.push(...matching);
      else {
        const pick = b.n > 0 ? matching[b.n - 1] : matching[matching.length + b.n];
        if (pick !== undefined) days.push(pick);
      }
    }
    if (rule.byMonthDay) {
      const wanted = new Set(rule.byMonthDay.map((n) => first + (n > 0 ? n : len + n + 1) - 1));
      days = days.filter((d) => wanted.has(d));
    }
  } else {
    days = (rule.byMonthDay ?? [defaultDay])
      .map((n) => (n > 0 ? n : len + n + 1))
      .filter((n) => n >= 1 && n <= len)
      .map((n) => first + n - 1);
  }
  return [...new Set(days)].sort((a, b) => a - b);
}

export function findOccurrence(master: FakeGoogleEvent, suffix: string): Occurrence | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(suffix);
  if (!m) return undefined;
  const target = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
  for (const occ of expand(master, target + 1)) if (occ.suffix === suffix) return occ;
  return undefined;
}

export function instanceOf(master: FakeGoogleEvent, occ: Occurrence): FakeGoogleEvent {
  const { recurrence: _recurrence, ...rest } = master;
  const id = `${master.id}_${occ.suffix}`;
  return {
    ...structuredClone(rest),
    id,
    htmlLink: `${master.htmlLink.split("?")[0]}?eid=${Buffer.from(`${id} ${master.organizer?.email ?? ""}`).toString("base64url")}`,
    start: occ.start,
    end: occ.end,
    recurringEventId: master.id,
    originalStartTime: structuredClone(occ.start),
  };
}

export function instanceEntries(master: FakeGoogleEvent, now: number): [string, FakeGoogleEventDateTime][] {
  const out: [string, FakeGoogleEventDateTime][] = [];
  for (const occ of expand(master, defaultHorizon(master, now))) {
    out.push([`${master.id}_${occ.suffix}`, occ.start]);
    if (out.length >= INSTANCE_CAP) break;
  }
  return out;
}

export function instanceIds(master: FakeGoogleEvent, now: number): string[] {
  return instanceEntries(master, now).map(([id]) => id);
}
