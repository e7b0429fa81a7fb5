/**
 * Writes to a calendar: insert, patch/update (an instance becomes an exception), delete (a series takes its
 * exceptions along), If-Match, and the change log that sync tokens and push notifications follow.
 */
import { FakeGoogleError, notFoundError } from "./errors";
import { identity, pickWritable, SEQUENCE_KEYS, validateEvent } from "./event-fields";
import { notifyChange } from "./push";
import { findOccurrence, instanceEntries, instanceIds, instanceOf } from "./recurrence";
import { type Calendar, type FakeGoogleState, newEtag, nowIso } from "./state";
import type { FakeGoogleEvent } from "./types";
import { htmlLink, type Json, mergePatch, randomEventId, sameJson } from "./util";

const EVENT_ID_PATTERN = /^[a-v0-9]{5,1024}$/;

export function insertEvent(s: FakeGoogleState, cal: Calendar, body: Json): FakeGoogleEvent {
  let id: string;
  if (body.id !== undefined && body.id !== null) {
    if (typeof body.id !== "string" || !EVENT_ID_PATTERN.test(body.id)) {
      throw new FakeGoogleError({
        code: 400,
        domain: "global",
        reason: "invalid",
        message: "Invalid resource id value.",
      });
    }
    id = body.id;
    // Ids stay taken after a delete: re-inserting a deleted event's id is a duplicate too.
    if (cal.events.has(id) || cal.ghosts.has(id) || cal.forgotten.has(id)) {
      throw new FakeGoogleError({
        code: 409,
        domain: "global",
        reason: "duplicate",
        message: "The requested identifier already exists.",
      });
    }
  } else {
    id = randomEventId();
  }
  const fields = validateEvent(pickWritable(body), { isException: false });
  const now = nowIso(s);
  const organizerEmail = cal.id;
  const ev: FakeGoogleEvent = {
    kind: "calendar#event",
    etag: newEtag(s),
    id,
    status: "confirmed",
    htmlLink: htmlLink(id, cal.id),
    created: now,
    updated: now,
    creator: { email: cal.account, self: true },
    organizer:
      organizerEmail === cal.account
        ? { email: organizerEmail, self: true }
        : { email: organizerEmail, displayName: organizerEmail, self: true },
    iCalUID: `${id}@google.com`,
    sequence: 0,
    reminders: { useDefault: true },
    eventType: typeof body.eventType === "string" ? body.eventType : "default",
    ...(fields as Partial<FakeGoogleEvent>),
  };
  store(s, cal, ev);
  return ev;
}

/** PATCH (merge) or PUT (replace) of a stored event or of a recurring instance (which then becomes an exception). */
export function modifyEvent(
  s: FakeGoogleState,
  cal: Calendar,
  eventId: string,
  body: Json,
  mode: "patch" | "update",
  ifMatch: string | undefined,
): FakeGoogleEvent {
  const current = cal.events.get(eventId)?.ev ?? materializeInstance(cal, eventId);
  if (!current) throw new FakeGoogleError(notFoundError());
  checkIfMatch(current, ifMatch);
  const isException = current.recurringEventId !== undefined;
  const base = mode === "patch" ? pickWritable(current as unknown as Json) : {};
  const merged = mode === "patch" ? (mergePatch(base, pickWritable(body)) as Json) : pickWritable(body);
  const fields = validateEvent(merged, { isException });
  const next: FakeGoogleEvent = {
    ...identity(current),
    status: "confirmed",
    reminders: { useDefault: true },
    ...(fields as Partial<FakeGoogleEvent>),
  };
  if (SEQUENCE_KEYS.some((key) => !sameJson(current[key], next[key]))) next.sequence = current.sequence + 1;
  next.etag = newEtag(s);
  next.updated = nowIso(s);
  if (current.recurrence?.length || next.recurrence?.length) recordGhosts(s, cal, current, next);
  store(s, cal, next);
  return next;
}

export function removeEvent(s: FakeGoogleState, cal: Calendar, eventId: string, ifMatch: string | undefined): void {
  const stored = cal.events.get(eventId)?.ev;
  const current = stored ?? materializeInstance(cal, eventId);
  if (!current) throw new FakeGoogleError(notFoundError());
  if (current.status === "cancelled") {
    throw new FakeGoogleError({
      code: 410,
      domain: "global",
      reason: "deleted",
      message: "Resource has been deleted",
    });
  }
  checkIfMatch(current, ifMatch);
  store(s, cal, cancelled(s, current));
  // Deleting a series deletes its exceptions too.
  if (current.recurrence?.length) {
    for (const rec of [...cal.events.values()]) {
      if (rec.ev.recurringEventId === current.id && rec.ev.status !== "cancelled")
        store(s, cal, cancelled(s, rec.ev), false);
    }
  }
}

export function cancelled(s: FakeGoogleState, ev: FakeGoogleEvent): FakeGoogleEvent {
  return { ...ev, status: "cancelled", etag: newEtag(s), updated: nowIso(s) };
}

export function store(s: FakeGoogleState, cal: Calendar, ev: FakeGoogleEvent, notify = true): void {
  s.changeSeq += 1;
  cal.events.set(ev.id, { ev, seq: s.changeSeq });
  cal.ghosts.delete(ev.id);
  if (notify) notifyChange(s, cal);
}

/** Drops the tombstones of deleted events (not cancelled instances of a live series, which belong to it). */
export function forgetDeleted(s: FakeGoogleState): void {
  for (const acc of s.accounts.values()) {
    for (const cal of acc.calendars.values()) {
      for (const [id, { ev }] of cal.events) {
        if (ev.status !== "cancelled") continue;
        const master = ev.recurringEventId ? cal.events.get(ev.recurringEventId)?.ev : undefined;
        if (master && master.status !== "cancelled") continue;
        cal.events.delete(id);
        cal.forgotten.add(id);
      }
      for (const id of cal.ghosts.keys()) cal.forgotten.add(id);
      cal.ghosts.clear();
    }
  }
}

function checkIfMatch(ev: FakeGoogleEvent, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch === "*" || ifMatch === ev.etag) return;
  throw new FakeGoogleError({
    code: 412,
    domain: "global",
    reason: "conditionNotMet",
    message: "Precondition Failed",
    locationType: "header",
    location: "If-Match",
  });
}

/** The stored-event form of instance `eventId` ("<masterId>_<start>") of a live series, or undefined. */
export function materializeInstance(cal: Calendar, eventId: string): FakeGoogleEvent | undefined {
  const match = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(eventId);
  if (!match?.[1] || !match[2]) return undefined;
  const master = cal.events.get(match[1])?.ev;
  if (!master?.recurrence?.length || master.status === "cancelled") return undefined;
  const occurrence = findOccurrence(master, match[2]);
  return occurrence ? instanceOf(master, occurrence) : undefined;
}

/** A change of a series' start or rule drops instances: remember them so incremental syncs report them cancelled. */
function recordGhosts(s: FakeGoogleState, cal: Calendar, before: FakeGoogleEvent, after: FakeGoogleEvent): void {
  if (sameJson(before.start, after.start) && sameJson(before.recurrence, after.recurrence)) return;
  const now = s.nowMs();
  const kept = new Set(after.recurrence?.length ? instanceIds(after, now) : []);
  for (const [id, original] of before.recurrence?.length ? instanceEntries(before, now) : []) {
    if (kept.has(id) || cal.events.has(id)) continue;
    cal.ghosts.set(id, {
      id,
      recurringEventId: before.id,
      originalStartTime: original,
      etag: newEtag(s),
      seq: s.changeSeq + 1, // the master's own store(s, ) takes this position
    });
  }
}
