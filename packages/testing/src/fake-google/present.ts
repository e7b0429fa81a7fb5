/** The API form of stored events: Google's key order, deletion stubs, and times shown in a requested zone. */
import type { calendar_v3 } from "googleapis";
import { formatInZone } from "./time";
import type { FakeGoogleEvent, FakeGoogleEventDateTime } from "./types";
import type { Json } from "./util";

const EVENT_KEY_ORDER = [
  "kind",
  "etag",
  "id",
  "status",
  "htmlLink",
  "created",
  "updated",
  "summary",
  "description",
  "location",
  "colorId",
  "creator",
  "organizer",
  "start",
  "end",
  "recurrence",
  "recurringEventId",
  "originalStartTime",
  "transparency",
  "visibility",
  "iCalUID",
  "sequence",
  "attendees",
  "guestsCanInviteOthers",
  "guestsCanModify",
  "guestsCanSeeOtherGuests",
  "anyoneCanAddSelf",
  "extendedProperties",
  "reminders",
  "source",
  "eventType",
] as const;

/**
 * The API form of a stored event. `stub`: a deletion as incremental syncs (and lists without showDeleted) report
 * it: only id (plus the instance keys) is guaranteed, so sync code must not rely on extendedProperties there.
 */
export function present(ev: FakeGoogleEvent, stub: boolean, timeZone: string | undefined): calendar_v3.Schema$Event {
  const fmt = (t: FakeGoogleEventDateTime | undefined) => (t ? formatTime(t, timeZone) : t);
  if (stub && ev.status === "cancelled") {
    const out: calendar_v3.Schema$Event = { kind: "calendar#event", etag: ev.etag, id: ev.id, status: "cancelled" };
    if (ev.recurringEventId !== undefined) {
      out.recurringEventId = ev.recurringEventId;
      out.originalStartTime = fmt(ev.originalStartTime) as calendar_v3.Schema$EventDateTime;
    }
    return out;
  }
  const source = ev as unknown as Json;
  const out: Json = {};
  for (const key of EVENT_KEY_ORDER) {
    const value = source[key];
    if (value === undefined) continue;
    if (key === "start" || key === "end" || key === "originalStartTime")
      out[key] = fmt(value as FakeGoogleEventDateTime);
    else out[key] = typeof value === "object" && value !== null ? structuredClone(value) : value;
  }
  return out as calendar_v3.Schema$Event;
}

function formatTime(t: FakeGoogleEventDateTime, timeZone: string | undefined): FakeGoogleEventDateTime {
  if (!t.dateTime || !timeZone) return { ...t };
  return { ...t, dateTime: formatInZone(Date.parse(t.dateTime), timeZone) };
}
