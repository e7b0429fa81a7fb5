/** Event bodies as the API takes them: the writable fields, their validation, and start/end normalised to UTC. */
import { FakeGoogleError, invalidField, invalidRecurrence, timeRangeEmpty } from "./errors";
import { parseRecurrence } from "./recurrence-rule";
import { DATE_ONLY, isoSeconds, isTimeZone, RFC3339, zonedToUtc } from "./time";
import type { FakeGoogleEvent, FakeGoogleEventDateTime } from "./types";
import { isObject, type Json } from "./util";

const WRITABLE_KEYS = [
  "summary",
  "description",
  "location",
  "colorId",
  "start",
  "end",
  "recurrence",
  "status",
  "transparency",
  "visibility",
  "attendees",
  "extendedProperties",
  "reminders",
  "source",
  "guestsCanInviteOthers",
  "guestsCanModify",
  "guestsCanSeeOtherGuests",
  "anyoneCanAddSelf",
] as const;
/** Changes to these bump `sequence` (iCalendar SEQUENCE: changes attendees must be told about). */
export const SEQUENCE_KEYS = ["start", "end", "recurrence", "summary", "location", "status"] as const;

export function pickWritable(source: Json): Json {
  const out: Json = {};
  for (const key of WRITABLE_KEYS) if (key in source && source[key] !== undefined) out[key] = source[key];
  return out;
}

/** The fields that are not writable and survive an update. */
export function identity(ev: FakeGoogleEvent): FakeGoogleEvent {
  const out: FakeGoogleEvent = {
    kind: ev.kind,
    etag: ev.etag,
    id: ev.id,
    status: ev.status,
    htmlLink: ev.htmlLink,
    created: ev.created,
    updated: ev.updated,
    iCalUID: ev.iCalUID,
    sequence: ev.sequence,
  };
  if (ev.creator) out.creator = ev.creator;
  if (ev.organizer) out.organizer = ev.organizer;
  if (ev.recurringEventId !== undefined) out.recurringEventId = ev.recurringEventId;
  if (ev.originalStartTime) out.originalStartTime = ev.originalStartTime;
  if (ev.eventType) out.eventType = ev.eventType;
  return out;
}

/** Checks an event body the way the API does and answers it cleaned, with start/end normalised to UTC. */
export function validateEvent(body: Json, { isException }: { isException: boolean }): Json {
  const out: Json = { ...validateScalars(body), ...validateTimes(body, isException) };
  const extendedProperties = validateExtendedProperties(body.extendedProperties);
  if (extendedProperties) out.extendedProperties = extendedProperties;
  for (const key of ["attendees", "reminders", "source"] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (key === "attendees" ? !Array.isArray(value) : !isObject(value)) throw new FakeGoogleError(invalidField(key));
    out[key] = structuredClone(value);
  }
  return out;
}

function validateScalars(body: Json): Json {
  const out: Json = {};
  for (const key of ["summary", "description", "location", "colorId", "transparency", "visibility"] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") throw new FakeGoogleError(invalidField(key));
    out[key] = value;
  }
  for (const key of [
    "guestsCanInviteOthers",
    "guestsCanModify",
    "guestsCanSeeOtherGuests",
    "anyoneCanAddSelf",
  ] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "boolean") throw new FakeGoogleError(invalidField(key));
    out[key] = value;
  }
  if (body.status !== undefined && body.status !== null) {
    if (body.status !== "confirmed" && body.status !== "tentative" && body.status !== "cancelled") {
      throw new FakeGoogleError(invalidField("status"));
    }
    out.status = body.status;
  }
  return out;
}

/** start, end and recurrence, which are checked together: a series needs a time zone and a valid rule. */
function validateTimes(body: Json, isException: boolean): Json {
  if (body.start === undefined || body.start === null) {
    throw new FakeGoogleError({ code: 400, domain: "global", reason: "required", message: "Missing start time." });
  }
  if (body.end === undefined || body.end === null) {
    throw new FakeGoogleError({ code: 400, domain: "global", reason: "required", message: "Missing end time." });
  }
  const recurrence = body.recurrence ?? undefined;
  if (recurrence !== undefined) {
    if (!Array.isArray(recurrence) || !recurrence.every((line) => typeof line === "string")) {
      throw new FakeGoogleError(invalidRecurrence());
    }
    if (recurrence.length > 0 && isException) throw new FakeGoogleError(invalidRecurrence());
  }
  const recurring = Array.isArray(recurrence) && recurrence.length > 0;
  const start = normalizeTime(body.start, "start", recurring);
  const end = normalizeTime(body.end, "end", recurring);
  if (start.allDay !== end.allDay) {
    throw new FakeGoogleError({
      code: 400,
      domain: "global",
      reason: "invalid",
      message: "Start and end times must either both be date or both be dateTime.",
    });
  }
  if (end.ms < start.ms || (start.allDay && end.ms === start.ms)) throw new FakeGoogleError(timeRangeEmpty(false));
  const out: Json = { start: start.value, end: end.value };
  if (recurring) {
    parseRecurrence(recurrence as string[], start.value.timeZone ?? "UTC", start.allDay);
    out.recurrence = [...(recurrence as string[])];
  }
  return out;
}

function validateExtendedProperties(
  ext: unknown,
): { private?: Record<string, string>; shared?: Record<string, string> } | undefined {
  if (ext === undefined || ext === null) return undefined;
  if (!isObject(ext)) throw new FakeGoogleError(invalidField("extendedProperties"));
  const clean: { private?: Record<string, string>; shared?: Record<string, string> } = {};
  for (const scope of ["private", "shared"] as const) {
    const map = ext[scope];
    if (map === undefined || map === null) continue;
    if (!isObject(map)) throw new FakeGoogleError(invalidField(`extendedProperties.${scope}`));
    const entries = Object.entries(map).filter(([, v]) => v !== null && v !== undefined);
    if (!entries.every(([, v]) => typeof v === "string")) {
      throw new FakeGoogleError(invalidField(`extendedProperties.${scope}`));
    }
    if (entries.length > 0) clean[scope] = Object.fromEntries(entries) as Record<string, string>;
  }
  return clean.private || clean.shared ? clean : undefined;
}

interface NormalizedTime {
  value: FakeGoogleEventDateTime;
  ms: number;
  allDay: boolean;
}

function normalizeTime(value: unknown, which: "start" | "end", recurring: boolean): NormalizedTime {
  const invalid = () =>
    new FakeGoogleError({ code: 400, domain: "global", reason: "invalid", message: `Invalid ${which} time.` });
  if (!isObject(value)) throw invalid();
  const { date, dateTime, timeZone } = value as { date?: unknown; dateTime?: unknown; timeZone?: unknown };
  const hasDate = date !== undefined && date !== null;
  const hasDateTime = dateTime !== undefined && dateTime !== null;
  if (hasDate === hasDateTime) throw invalid();
  if (timeZone !== undefined && timeZone !== null && (typeof timeZone !== "string" || !isTimeZone(timeZone))) {
    throw new FakeGoogleError({
      code: 400,
      domain: "global",
      reason: "invalid",
      message: `Invalid time zone definition for ${which} time.`,
    });
  }
  const tz = typeof timeZone === "string" ? timeZone : undefined;
  const normalized = hasDate ? normalizeDate(date, tz) : normalizeDateTime(dateTime, tz, which, recurring);
  if (!normalized) throw invalid();
  return normalized;
}

function normalizeDate(date: unknown, tz: string | undefined): NormalizedTime | undefined {
  const m = typeof date === "string" ? DATE_ONLY.exec(date) : null;
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  const out: FakeGoogleEventDateTime = { date: date as string };
  if (tz) out.timeZone = tz;
  return { value: out, ms, allDay: true };
}

function normalizeDateTime(
  dateTime: unknown,
  tz: string | undefined,
  which: "start" | "end",
  recurring: boolean,
): NormalizedTime | undefined {
  const m = typeof dateTime === "string" ? RFC3339.exec(dateTime) : null;
  if (!m) return undefined;
  // A dateTime needs an offset unless timeZone says where it is; a series needs timeZone to expand in.
  if ((!m[7] && !tz) || (recurring && which === "start" && !tz)) {
    throw new FakeGoogleError({
      code: 400,
      domain: "global",
      reason: "required",
      message: `Missing time zone definition for ${which} time.`,
    });
  }
  const ms = m[7]
    ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}${m[7].toUpperCase()}`)
    : zonedToUtc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), tz as string);
  if (Number.isNaN(ms)) return undefined;
  const out: FakeGoogleEventDateTime = { dateTime: isoSeconds(ms) };
  if (tz) out.timeZone = tz;
  return { value: out, ms, allDay: false };
}
