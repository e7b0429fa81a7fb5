import { formatInTimeZone, getTimezoneOffset } from "date-fns-tz";

/**
 * Reading a wall-clock time in an IANA zone, DST included. "2026-03-08T02:30" in New York does not
 * exist (clocks jump from 02:00 to 03:00); "2026-11-01T01:30" happens twice (clocks fall back).
 */
export type WallClockResult =
  | { kind: "exact"; instant: Date }
  | { kind: "ambiguous"; earlier: Date; later: Date }
  | { kind: "nonexistent" };

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

export function resolveWallClock(local: string, zone: string): WallClockResult {
  const m = LOCAL.exec(local);
  if (!m) throw new Error(`Expected yyyy-MM-ddTHH:mm, got "${local}"`);
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // Every offset the zone uses around that day; a zone changes offset at most once within hours.
  const offsets = new Set<number>();
  for (const hours of [-36, -12, 0, 12, 36]) offsets.add(getTimezoneOffset(zone, new Date(asUtc + hours * 3600_000)));
  const candidates = [...offsets]
    .map((offset) => new Date(asUtc - offset))
    .filter((instant) => formatInTimeZone(instant, zone, "yyyy-MM-dd'T'HH:mm") === local)
    .sort((a, b) => a.getTime() - b.getTime());
  const unique = candidates.filter((c, i) => i === 0 || c.getTime() !== candidates[i - 1]!.getTime());
  if (unique.length === 0) return { kind: "nonexistent" };
  if (unique.length === 1) return { kind: "exact", instant: unique[0]! };
  return { kind: "ambiguous", earlier: unique[0]!, later: unique[unique.length - 1]! };
}

/** The instant for a wall-clock time, or a sentence explaining why there is none. */
export function wallClockToInstant(
  local: string,
  zone: string,
): { ok: true; instant: Date; note?: string } | { ok: false; message: string } {
  const result = resolveWallClock(local, zone);
  const time = local.slice(11);
  switch (result.kind) {
    case "exact":
      return { ok: true, instant: result.instant };
    case "nonexistent":
      return {
        ok: false,
        message: `${time} does not exist on that day in ${zone} (the clocks skip it for daylight saving)`,
      };
    case "ambiguous":
      return {
        ok: true,
        instant: result.earlier,
        note: `${time} happens twice that day in ${zone}; taking the first one (${formatInTimeZone(result.earlier, zone, "HH:mm zzz")})`,
      };
  }
}

/** "yyyy-MM-ddTHH:mm" of an instant in a zone (for form fields). */
export function instantToWallClock(instant: Date, zone: string): string {
  return formatInTimeZone(instant, zone, "yyyy-MM-dd'T'HH:mm");
}

/** The same wall-clock time one day earlier, in the zone (DST-proof "24 hours before"). */
export function sameWallClockDayBefore(instant: Date, zone: string): Date {
  const local = instantToWallClock(instant, zone);
  const day = new Date(`${local.slice(0, 10)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  const previous = `${day.toISOString().slice(0, 10)}T${local.slice(11)}`;
  const result = resolveWallClock(previous, zone);
  if (result.kind === "exact") return result.instant;
  if (result.kind === "ambiguous") return result.earlier;
  // That wall-clock time did not exist the day before (spring forward): use the next valid minute.
  return new Date(instant.getTime() - 23 * 3600_000);
}

/**
 * date-fns-tz formats `z`/`zz`/`zzz` by building a new Intl.DateTimeFormat on every call, a large
 * share of a reminder's CPU when thousands go out at once. The same name from one formatter kept per zone.
 */
const shortZoneNameFormats = new Map<string, Intl.DateTimeFormat>();

function shortZoneName(instant: Date, zone: string): string {
  let format = shortZoneNameFormats.get(zone);
  if (!format) {
    // The options date-fns-tz uses (runtime locale, short name), so the text is the same.
    format = new Intl.DateTimeFormat(undefined, { timeZone: zone, timeZoneName: "short" });
    shortZoneNameFormats.set(zone, format);
  }
  return format.formatToParts(instant).findLast((part) => part.type === "timeZoneName")?.value ?? "";
}

/** The pattern with each unquoted run of one to three `z` replaced by the quoted zone name. */
function withShortZoneName(pattern: string, instant: Date, zone: string): string {
  let out = "";
  let quoted = false;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      quoted = !quoted;
      out += c;
      i++;
      continue;
    }
    if (c === "z" && !quoted) {
      let run = 0;
      while (pattern[i + run] === "z") run++;
      out += run <= 3 ? `'${shortZoneName(instant, zone).replaceAll("'", "''")}'` : pattern.slice(i, i + run);
      i += run;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

export function formatInZone(instant: Date, zone: string, pattern: string): string {
  return formatInTimeZone(instant, zone, pattern.includes("z") ? withShortZoneName(pattern, instant, zone) : pattern);
}
