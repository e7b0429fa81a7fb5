/**
 * Parsing a series' `recurrence` lines (RRULE, EXDATE; RDATE and EXRULE are accepted and ignored) the way the
 * API validates them: anything it refuses answers 400 "Invalid recurrence rule.".
 */
import { FakeGoogleError, invalidRecurrence } from "./errors";
import { findTimeZone, zonedToUtc, zonedToUtcDate } from "./time";

export interface ByDay {
  n?: number;
  wd: number;
}

export interface Rule {
  freq: "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";
  interval: number;
  count?: number;
  untilMs?: number;
  untilDate?: string;
  byDay?: ByDay[];
  byMonthDay?: number[];
  byMonth?: number[];
  wkst: number;
}

export interface Recurrence {
  rule: Rule;
  exMs: Set<number>;
  exDates: Set<string>;
}

const WEEKDAYS: Record<string, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };

export function parseRecurrence(lines: string[], tz: string, allDay: boolean): Recurrence {
  let rule: Rule | undefined;
  const exMs = new Set<number>();
  const exDates = new Set<string>();
  for (const raw of lines) {
    const line = raw.trim();
    const colon = line.indexOf(":");
    if (colon < 0) throw new FakeGoogleError(invalidRecurrence());
    const [name = "", ...paramList] = line.slice(0, colon).toUpperCase().split(";");
    const value = line.slice(colon + 1);
    if (name === "RRULE") {
      if (rule) throw new FakeGoogleError(invalidRecurrence("(fake) only one RRULE per series is supported"));
      rule = parseRule(value, tz, allDay);
    } else if (name === "EXDATE") {
      const tzid = paramList.find((p) => p.startsWith("TZID="))?.slice(5);
      for (const item of value.split(",")) {
        const parsed = parseIcalTime(item.trim(), tzid ? findTimeZone(tzid) : tz);
        if (!parsed) throw new FakeGoogleError(invalidRecurrence());
        if (parsed.date) exDates.add(parsed.date);
        if (parsed.ms !== undefined) exMs.add(parsed.ms);
      }
    } else if (name === "RDATE" || name === "EXRULE") {
      // Accepted like Google does; the fake does not expand them.
    } else {
      throw new FakeGoogleError(invalidRecurrence());
    }
  }
  if (!rule) throw new FakeGoogleError(invalidRecurrence());
  return { rule, exMs, exDates };
}

function parseRule(value: string, tz: string, allDay: boolean): Rule {
  const parts = new Map<string, string>();
  for (const item of value.split(";")) {
    const [k, v] = item.split("=");
    if (!k || v === undefined || v === "") throw new FakeGoogleError(invalidRecurrence());
    parts.set(k.toUpperCase(), v.toUpperCase());
  }
  const freq = parts.get("FREQ");
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY" && freq !== "YEARLY") {
    throw new FakeGoogleError(invalidRecurrence(freq ? `(fake) FREQ=${freq} is not supported` : undefined));
  }
  const rule: Rule = { freq, interval: 1, wkst: 1 };
  for (const [k, v] of parts) if (k !== "FREQ") applyRulePart(rule, k, v, tz, allDay);
  checkRule(rule);
  return rule;
}

function applyRulePart(rule: Rule, k: string, v: string, tz: string, allDay: boolean): void {
  switch (k) {
    case "INTERVAL":
      rule.interval = positiveInt(v);
      return;
    case "COUNT":
      rule.count = positiveInt(v);
      return;
    case "UNTIL": {
      const parsed = parseIcalTime(v, tz);
      if (!parsed) throw new FakeGoogleError(invalidRecurrence());
      if (allDay) rule.untilDate = parsed.date ?? new Date(parsed.ms as number).toISOString().slice(0, 10);
      else rule.untilMs = parsed.ms ?? zonedToUtcDate(parsed.date as string, tz, true);
      return;
    }
    case "BYDAY":
      rule.byDay = v.split(",").map(parseByDay);
      return;
    case "BYMONTHDAY":
      rule.byMonthDay = v.split(",").map((n) => intIn(n, 1, 31, true));
      return;
    case "BYMONTH":
      rule.byMonth = v.split(",").map((n) => intIn(n, 1, 12, false));
      return;
    case "WKST": {
      const wd = WEEKDAYS[v];
      if (wd === undefined) throw new FakeGoogleError(invalidRecurrence());
      rule.wkst = wd;
      return;
    }
    default:
      throw new FakeGoogleError(invalidRecurrence(`(fake) unsupported recurrence part ${k}`));
  }
}

function parseByDay(item: string): ByDay {
  const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(item);
  if (!m?.[2]) throw new FakeGoogleError(invalidRecurrence());
  const day: ByDay = { wd: WEEKDAYS[m[2]] as number };
  if (m[1]) day.n = Number(m[1]);
  return day;
}

/** An integer in min..max, or in -max..-min too when `negative` (counting from the end). */
function intIn(value: string, min: number, max: number, negative: boolean): number {
  const n = Number(value);
  const abs = negative ? Math.abs(n) : n;
  if (!Number.isInteger(n) || abs < min || abs > max) throw new FakeGoogleError(invalidRecurrence());
  return n;
}

/** Combinations RFC 5545 forbids, and the ones the fake's expander does not cover. */
function checkRule(rule: Rule): void {
  if (rule.count !== undefined && (rule.untilMs !== undefined || rule.untilDate !== undefined)) {
    throw new FakeGoogleError(invalidRecurrence());
  }
  if (rule.byDay?.some((d) => d.n !== undefined) && (rule.freq === "DAILY" || rule.freq === "WEEKLY")) {
    throw new FakeGoogleError(invalidRecurrence());
  }
  if (rule.freq === "YEARLY" && rule.byDay && !rule.byMonth) {
    throw new FakeGoogleError(invalidRecurrence("(fake) YEARLY with BYDAY needs BYMONTH"));
  }
}

/** "20250101", "20250101T100000Z" or "20250101T100000" (local to `tz`). */
function parseIcalTime(value: string, tz: string): { ms?: number; date?: string } | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/i.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (m[4] === undefined) return { date: `${m[1]}-${m[2]}-${m[3]}` };
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
  return { ms: m[7] ? Date.UTC(y, mo - 1, d, h, mi, s) : zonedToUtc(y, mo, d, h, mi, s, tz) };
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new FakeGoogleError(invalidRecurrence());
  return n;
}
