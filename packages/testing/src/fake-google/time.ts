/** Wall-clock arithmetic in IANA time zones (Intl only) and the calendar-day numbers the expander counts in. */

export const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export function findTimeZone(tz: string): string {
  return isTimeZone(tz) ? tz : "UTC";
}

export function wallParts(
  ms: number,
  tz: string,
): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  if (tz === "UTC") {
    const t = new Date(ms);
    return {
      y: t.getUTCFullYear(),
      mo: t.getUTCMonth() + 1,
      d: t.getUTCDate(),
      h: t.getUTCHours(),
      mi: t.getUTCMinutes(),
      s: t.getUTCSeconds(),
    };
  }
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { y: get("year"), mo: get("month"), d: get("day"), h: get("hour") % 24, mi: get("minute"), s: get("second") };
}

function offsetMs(ms: number, tz: string): number {
  const w = wallParts(ms, tz);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
}

export function zonedToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  if (tz === "UTC") return guess;
  const first = guess - offsetMs(guess, tz);
  const second = guess - offsetMs(first, tz);
  return second;
}

export function zonedToUtcDate(date: string, tz: string, endOfDay: boolean): number {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  return endOfDay ? zonedToUtc(y, mo, d, 23, 59, 59, tz) : zonedToUtc(y, mo, d, 0, 0, 0, tz);
}

export function wallDate(ms: number, tz: string): string {
  const w = wallParts(ms, tz);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}`;
}

export function formatInZone(ms: number, tz: string): string {
  const offset = offsetMs(ms, tz);
  if (offset === 0) return isoSeconds(ms);
  const w = wallParts(ms, tz);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset) / 60_000;
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function dayNumber(y: number, mo: number, d: number): number {
  return Date.UTC(y, mo - 1, d) / DAY;
}

export function ymd(day: number): { y: number; mo: number; d: number } {
  const dt = new Date(day * DAY);
  return { y: dt.getUTCFullYear(), mo: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export function dateString(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

export function weekday(day: number): number {
  return new Date(day * DAY).getUTCDay();
}

export function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

export const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i;
export const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
