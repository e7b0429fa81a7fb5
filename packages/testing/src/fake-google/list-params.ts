/** The query parameters of events.list and events.instances, checked the way the API checks them, and page tokens. */
import { FakeGoogleError, invalidValue, timeRangeEmpty } from "./errors";
import { isTimeZone, RFC3339 } from "./time";

const MAX_PAGE = 2500;
const DEFAULT_PAGE = 250;

export interface ListParams {
  singleEvents: boolean;
  showDeleted: boolean;
  timeMin?: number;
  timeMax?: number;
  orderBy?: "startTime" | "updated";
  privateProps: [string, string][];
  sharedProps: [string, string][];
  q?: string;
  iCalUID?: string;
  updatedMin?: number;
  timeZone?: string;
  syncToken?: string;
}

/** Parameters a sync token excludes: an incremental sync answers changes to the whole calendar. */
const NOT_WITH_SYNC_TOKEN = [
  "iCalUID",
  "orderBy",
  "privateExtendedProperty",
  "q",
  "sharedExtendedProperty",
  "timeMin",
  "timeMax",
  "updatedMin",
];

export function parseListParams(q: URLSearchParams): ListParams {
  const syncToken = q.get("syncToken") ?? undefined;
  if (syncToken !== undefined) checkSyncTokenParams(q);
  const singleEvents = parseBool(q, "singleEvents") ?? false;
  const orderBy = parseOrderBy(q, singleEvents);
  const timeMin = parseTime(q, "timeMin");
  const timeMax = parseTime(q, "timeMax");
  if (timeMin !== undefined && timeMax !== undefined && timeMin >= timeMax) throw new FakeGoogleError(timeRangeEmpty());
  const params: ListParams = {
    singleEvents,
    showDeleted: parseBool(q, "showDeleted") ?? false,
    privateProps: parseProperties(q, "privateExtendedProperty"),
    sharedProps: parseProperties(q, "sharedExtendedProperty"),
  };
  if (timeMin !== undefined) params.timeMin = timeMin;
  if (timeMax !== undefined) params.timeMax = timeMax;
  if (orderBy !== undefined) params.orderBy = orderBy;
  const text = q.get("q");
  if (text) params.q = text;
  const iCalUID = q.get("iCalUID");
  if (iCalUID) params.iCalUID = iCalUID;
  const updatedMin = parseTime(q, "updatedMin");
  if (updatedMin !== undefined) params.updatedMin = updatedMin;
  const timeZone = parseTimeZoneParam(q);
  if (timeZone !== undefined) params.timeZone = timeZone;
  if (syncToken !== undefined) params.syncToken = syncToken;
  return params;
}

function checkSyncTokenParams(q: URLSearchParams): void {
  for (const name of NOT_WITH_SYNC_TOKEN) {
    if (!q.has(name)) continue;
    throw new FakeGoogleError({
      code: 400,
      domain: "global",
      reason: "invalid",
      message: `The parameter ${name} cannot be used together with syncToken.`,
      locationType: "parameter",
      location: name,
    });
  }
}

function parseOrderBy(q: URLSearchParams, singleEvents: boolean): ListParams["orderBy"] {
  const orderBy = q.get("orderBy") ?? undefined;
  if (orderBy !== undefined && orderBy !== "startTime" && orderBy !== "updated") {
    throw new FakeGoogleError(invalidValue("orderBy"));
  }
  if (orderBy === "startTime" && !singleEvents) {
    throw new FakeGoogleError({
      code: 400,
      domain: "global",
      reason: "invalid",
      message: "The requested ordering is not available for the particular query.",
      locationType: "parameter",
      location: "orderBy",
    });
  }
  return orderBy;
}

/** "key=value" pairs of privateExtendedProperty / sharedExtendedProperty. */
function parseProperties(q: URLSearchParams, name: string): [string, string][] {
  return q.getAll(name).map((pair) => {
    const at = pair.indexOf("=");
    if (at <= 0) throw new FakeGoogleError(invalidValue(name));
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}

export function parseMaxResults(value: string | null): number {
  if (value === null) return DEFAULT_PAGE;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new FakeGoogleError({
      code: 400,
      domain: "global",
      reason: "invalid",
      message: `Invalid value '${value}'. Values must be within the range: [1, ${MAX_PAGE}]`,
      locationType: "parameter",
      location: "maxResults",
    });
  }
  return Math.min(n, MAX_PAGE);
}

export function parseBool(q: URLSearchParams, name: string): boolean | undefined {
  const value = q.get(name);
  if (value === null) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new FakeGoogleError(invalidValue(name));
}

/** RFC3339 with a mandatory offset; milliseconds are ignored. */
export function parseTime(q: URLSearchParams, name: string): number | undefined {
  const value = q.get(name);
  if (value === null) return undefined;
  const m = RFC3339.exec(value);
  if (!m?.[7]) throw new FakeGoogleError({ code: 400, domain: "global", reason: "badRequest", message: "Bad Request" });
  const ms = Date.parse(value.replace(/\.\d+/, ""));
  if (Number.isNaN(ms))
    throw new FakeGoogleError({ code: 400, domain: "global", reason: "badRequest", message: "Bad Request" });
  return ms;
}

export function parseTimeZoneParam(q: URLSearchParams): string | undefined {
  const value = q.get("timeZone");
  if (!value) return undefined;
  if (!isTimeZone(value)) throw new FakeGoogleError(invalidValue("timeZone"));
  return value;
}

export function encodePageToken(id: string, offset: number): string {
  return Buffer.from(`${id}:${offset}`).toString("base64url");
}

export function decodePageToken(token: string): { id: string; offset: number } | undefined {
  const match = /^([A-Za-z0-9_-]+):(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match?.[1] && match[2] ? { id: match[1], offset: Number(match[2]) } : undefined;
}
