/**
 * Reads of a calendar: events.list (full, filtered, or incremental from a sync token; series expanded with
 * singleEvents) and events.instances, answered in pages that keep their snapshot.
 */
import { randomBytes } from "node:crypto";
import type { calendar_v3 } from "googleapis";
import { FakeGoogleError, invalidValue, notFoundError, timeRangeEmpty } from "./errors";
import type { Ctx } from "./http";
import { sendJson } from "./http";
import {
  decodePageToken,
  encodePageToken,
  type ListParams,
  parseBool,
  parseListParams,
  parseMaxResults,
  parseTime,
  parseTimeZoneParam,
} from "./list-params";
import { present } from "./present";
import { defaultHorizon, expand, INSTANCE_CAP, instanceOf, overlaps, seriesOverlaps, startMsOf } from "./recurrence";
import type { Calendar, FakeGoogleState, Snapshot } from "./state";
import type { FakeGoogleEvent } from "./types";
import type { Json } from "./util";

const MAX_SNAPSHOTS = 500;

interface Candidate {
  ev: FakeGoogleEvent;
  seq: number;
  startMs: number;
  stub: boolean;
}

function listCandidates(s: FakeGoogleState, cal: Calendar, p: ListParams): Candidate[] {
  const out: Candidate[] = [];
  const now = s.nowMs();
  const includeCancelled = p.showDeleted || p.updatedMin !== undefined;
  for (const { ev, seq } of cal.events.values()) {
    const isMaster = !!ev.recurrence?.length;
    const master = ev.recurringEventId ? cal.events.get(ev.recurringEventId)?.ev : undefined;
    if (p.singleEvents && isMaster) {
      // Series are expanded; deleted series are left out even with showDeleted.
      if (ev.status === "cancelled") continue;
      let count = 0;
      const horizon = p.timeMax ?? defaultHorizon(ev, now);
      for (const occ of expand(ev, horizon)) {
        if (p.timeMin !== undefined && occ.endMs <= p.timeMin) continue;
        const inst = instanceOf(ev, occ);
        if (cal.events.has(inst.id)) continue; // an exception replaces it
        out.push({ ev: inst, seq, startMs: occ.startMs, stub: false });
        if (p.timeMax === undefined && ++count >= INSTANCE_CAP) break;
      }
      continue;
    }
    if (ev.status === "cancelled") {
      // Cancelled instances of a live series come back even without showDeleted when series aren't expanded.
      const cancelledInstance = !p.singleEvents && master !== undefined && master.status !== "cancelled";
      if (!includeCancelled && !cancelledInstance) continue;
    }
    if (isMaster) {
      if (!seriesOverlaps(ev, p.timeMin, p.timeMax)) continue;
    } else if (!overlaps(ev, p.timeMin, p.timeMax)) continue;
    out.push({ ev, seq, startMs: startMsOf(ev), stub: ev.status === "cancelled" && !p.showDeleted });
  }
  return out.filter((c) => matchesFilters(c.ev, p));
}

function incrementalCandidates(s: FakeGoogleState, cal: Calendar, since: number, p: ListParams): Candidate[] {
  const out: Candidate[] = [];
  const now = s.nowMs();
  const stub = !p.showDeleted;
  for (const { ev, seq } of cal.events.values()) {
    if (seq <= since) continue;
    if (p.singleEvents && ev.recurrence?.length) {
      // A changed series shows as its instances changed (cancelled ones when the series was deleted).
      let count = 0;
      for (const occ of expand(ev, defaultHorizon(ev, now))) {
        const inst = instanceOf(ev, occ);
        if (cal.events.has(inst.id)) continue;
        out.push({ ev: inst, seq, startMs: occ.startMs, stub: inst.status === "cancelled" && stub });
        if (++count >= INSTANCE_CAP) break;
      }
      continue;
    }
    out.push({ ev, seq, startMs: startMsOf(ev), stub: ev.status === "cancelled" && stub });
  }
  if (p.singleEvents) {
    for (const ghost of cal.ghosts.values()) {
      if (ghost.seq <= since) continue;
      const ev: FakeGoogleEvent = {
        kind: "calendar#event",
        id: ghost.id,
        etag: ghost.etag,
        status: "cancelled",
        recurringEventId: ghost.recurringEventId,
        originalStartTime: ghost.originalStartTime,
        updated: "",
        created: "",
        sequence: 0,
        iCalUID: "",
        htmlLink: "",
      };
      out.push({ ev, seq: ghost.seq, startMs: 0, stub: true });
    }
  }
  return out;
}

export function listEvents(s: FakeGoogleState, ctx: Ctx, cal: Calendar, email: string): void {
  const q = ctx.url.searchParams;
  const maxResults = parseMaxResults(q.get("maxResults"));
  const pageToken = q.get("pageToken");
  if (pageToken) {
    continuePage(s, ctx, cal, pageToken, maxResults, true);
    return;
  }
  const p = parseListParams(q);
  const candidates =
    p.syncToken !== undefined
      ? incrementalCandidates(s, cal, syncedSeq(s, cal, p.syncToken), p)
      : listCandidates(s, cal, p);
  const snap: Snapshot = {
    calendarKey: cal.key,
    account: email,
    items: sortCandidates(candidates, p.orderBy).map((c) => present(c.ev, c.stub, p.timeZone)),
    seq: s.changeSeq,
    syncable: true,
    collection: collectionFields(s, cal),
  };
  answerPage(s, ctx, snap, undefined, 0, maxResults);
}

/** The change-log position a sync token starts from; 410 fullSyncRequired for an unknown or expired one. */
function syncedSeq(s: FakeGoogleState, cal: Calendar, syncToken: string): number {
  const token = s.syncTokens.get(syncToken);
  if (!token || token.calendarKey !== cal.key) {
    throw new FakeGoogleError({
      code: 410,
      domain: "calendar",
      reason: "fullSyncRequired",
      message: "Sync token is no longer valid, a full sync is required.",
      locationType: "parameter",
      location: "syncToken",
    });
  }
  return token.seq;
}

/** A next page from a stored snapshot (events.list's only from its own, syncable ones). */
function continuePage(
  s: FakeGoogleState,
  ctx: Ctx,
  cal: Calendar,
  pageToken: string,
  maxResults: number,
  syncable: boolean,
): void {
  const decoded = decodePageToken(pageToken);
  const snap = decoded ? s.snapshots.get(decoded.id) : undefined;
  if (!decoded || !snap || snap.calendarKey !== cal.key || (syncable && !snap.syncable)) {
    throw new FakeGoogleError(invalidValue("pageToken"));
  }
  answerPage(s, ctx, snap, decoded.id, decoded.offset, maxResults);
}

export function listInstances(s: FakeGoogleState, ctx: Ctx, cal: Calendar, eventId: string): void {
  const q = ctx.url.searchParams;
  const maxResults = parseMaxResults(q.get("maxResults"));
  const pageToken = q.get("pageToken");
  if (pageToken) {
    continuePage(s, ctx, cal, pageToken, maxResults, false);
    return;
  }
  const master = cal.events.get(eventId)?.ev;
  if (!master) throw new FakeGoogleError(notFoundError());
  if (master.status === "cancelled") {
    throw new FakeGoogleError({
      code: 410,
      domain: "global",
      reason: "deleted",
      message: "Resource has been deleted",
    });
  }
  const snap: Snapshot = {
    calendarKey: cal.key,
    account: cal.account,
    items: instanceItems(s, cal, master, q),
    seq: s.changeSeq,
    syncable: false,
    collection: collectionFields(s, cal),
  };
  answerPage(s, ctx, snap, undefined, 0, maxResults);
}

/** A series' instances in a window, its exceptions in their place. */
function instanceItems(
  s: FakeGoogleState,
  cal: Calendar,
  master: FakeGoogleEvent,
  q: URLSearchParams,
): calendar_v3.Schema$Event[] {
  const showDeleted = parseBool(q, "showDeleted") ?? false;
  const timeMin = parseTime(q, "timeMin");
  const timeMax = parseTime(q, "timeMax");
  const timeZone = parseTimeZoneParam(q);
  if (timeMin !== undefined && timeMax !== undefined && timeMin >= timeMax) throw new FakeGoogleError(timeRangeEmpty());
  const items: calendar_v3.Schema$Event[] = [];
  if (!master.recurrence?.length) return items;
  let count = 0;
  const horizon = timeMax ?? defaultHorizon(master, s.nowMs());
  for (const occ of expand(master, horizon)) {
    if (timeMin !== undefined && occ.endMs <= timeMin) continue;
    const inst = instanceOf(master, occ);
    const ev = cal.events.get(inst.id)?.ev ?? inst;
    if (ev.status === "cancelled" && !showDeleted) continue;
    items.push(present(ev, false, timeZone));
    if (timeMax === undefined && ++count >= INSTANCE_CAP) break;
  }
  return items;
}

function collectionFields(s: FakeGoogleState, cal: Calendar): Json {
  let updated = cal.created;
  for (const { ev } of cal.events.values()) if (ev.updated > updated) updated = ev.updated;
  return {
    kind: "calendar#events",
    etag: `"p3${String(s.lastEtag).slice(-14)}g"`,
    summary: cal.id,
    updated,
    timeZone: "UTC",
    accessRole: "owner",
    defaultReminders: [],
  };
}

function saveSnapshot(s: FakeGoogleState, snap: Snapshot): string {
  const id = randomBytes(12).toString("base64url");
  s.snapshots.set(id, snap);
  if (s.snapshots.size > MAX_SNAPSHOTS) {
    const oldest = s.snapshots.keys().next().value;
    if (oldest !== undefined) s.snapshots.delete(oldest);
  }
  return id;
}

/** Answers one page of a snapshot; the snapshot is stored (and gets an id) only when there is a next page. */
function answerPage(
  s: FakeGoogleState,
  ctx: Ctx,
  snap: Snapshot,
  snapshotId: string | undefined,
  offset: number,
  maxResults: number,
): void {
  const items = snap.items.slice(offset, offset + maxResults);
  const body: calendar_v3.Schema$Events = { ...(snap.collection as calendar_v3.Schema$Events), items };
  if (offset + maxResults < snap.items.length) {
    body.nextPageToken = encodePageToken(snapshotId ?? saveSnapshot(s, snap), offset + maxResults);
  } else if (snap.syncable) {
    // Only the last page carries a sync token; it starts at the snapshot, so changes made while the client
    // was paging come with the next incremental sync.
    const token = `C${randomBytes(18).toString("base64")}`;
    s.syncTokens.set(token, { calendarKey: snap.calendarKey, seq: snap.seq });
    body.nextSyncToken = token;
  }
  sendJson(ctx, 200, body);
}

function matchesFilters(ev: FakeGoogleEvent, p: ListParams): boolean {
  for (const [k, v] of p.privateProps) if (ev.extendedProperties?.private?.[k] !== v) return false;
  for (const [k, v] of p.sharedProps) if (ev.extendedProperties?.shared?.[k] !== v) return false;
  if (p.iCalUID !== undefined && ev.iCalUID !== p.iCalUID) return false;
  if (p.updatedMin !== undefined && Date.parse(ev.updated) < p.updatedMin) return false;
  if (p.q !== undefined) {
    const terms = p.q.toLowerCase().split(/\s+/).filter(Boolean);
    const text = [ev.summary, ev.description, ev.location, ...(ev.attendees ?? []).map((a) => a.email)]
      .filter(Boolean)
      .join(" ")
      .toLowerCase();
    if (!terms.every((t) => text.includes(t))) return false;
  }
  return true;
}

function sortCandidates(list: Candidate[], orderBy: ListParams["orderBy"]): Candidate[] {
  const byId = (a: Candidate, b: Candidate) => (a.ev.id < b.ev.id ? -1 : a.ev.id > b.ev.id ? 1 : 0);
  if (orderBy === "startTime") return list.sort((a, b) => a.startMs - b.startMs || byId(a, b));
  if (orderBy === "updated") {
    return list.sort(
      (a, b) => (a.ev.updated < b.ev.updated ? -1 : a.ev.updated > b.ev.updated ? 1 : 0) || a.seq - b.seq || byId(a, b),
    );
  }
  // Unspecified but stable: change order, then start.
  return list.sort((a, b) => a.seq - b.seq || a.startMs - b.startMs || byId(a, b));
}
