/**
 * A fake Google Calendar v3 + Google OAuth 2.0 server: a real HTTP server on a loopback port, meant to be driven
 * by the REAL clients, `google.calendar({version: "v3", rootUrl: fake.url + "/"})` (googleapis) and arctic's
 * `OAuth2Client` (or google-auth-library's OAuth2 client), with the endpoints pointed at `authUrl`, `tokenUrl`
 * and `revokeUrl`.
 *
 * It reproduces what a two-way calendar sync trips over on the real service: Google's error shapes and reasons,
 * sync tokens (410 fullSyncRequired) and page tokens that keep their snapshot, cancelled events as tombstones
 * (which Google drops after a while, invalidating old sync tokens: `expireSyncTokens({forgetDeleted: true})`),
 * recurring series with instances and exceptions, etags and If-Match (412), duplicate ids (409), re-deletes (410),
 * push notification channels, token expiry/revocation and injected faults (403/429/5xx/slow).
 *
 * Where Google's behaviour is undocumented, the fake picks the stricter plausible reading and says so in a comment.
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { calendar_v3 } from "googleapis";

// ───────────────────────────── public API ─────────────────────────────

export interface FakeGoogleOptions {
  clientId?: string; // default "fake-client-id.apps.googleusercontent.com"
  clientSecret?: string; // default "fake-client-secret"
  /** Time source for `updated`/`created`, token expiry, channel expiry. Default real time. Tests pass a ManualClock-like {now(): Date}. */
  clock?: { now(): Date };
  accessTokenTtlSeconds?: number; // default 3599 (expires_in answered)
  /** Refresh answers a new refresh_token and the old one stops working (invalid_grant). Default false (Google's usual behaviour: no refresh_token in the refresh answer). */
  rotateRefreshTokens?: boolean;
  /** Max channel lifetime; requested expiration is capped to now + this. Default 7 days. */
  maxChannelTtlSeconds?: number;
  /** Per-account requests per minute (sliding 60 s window, on `clock`); above it: 403 usageLimits/userRateLimitExceeded. Default unlimited. */
  userQuotaPerMinute?: number;
  port?: number; // default 0 (random)
  /** Interface to listen on (default "127.0.0.1"). */
  host?: string;
  /** Registered redirect URIs. Default: any absolute http(s) URI is accepted (Google demands an exact registered match). */
  redirectUris?: string[];
  /** Delays (real ms) before re-sending a push notification the receiver answered 500/502/503/504. Default [200, 1000]. */
  notificationRetryDelaysMs?: number[];
}

export interface FakeGoogleEventDateTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

/** A stored event, as the fake holds it (API shape, i.e. a calendar_v3 Schema$Event). */
export interface FakeGoogleEvent {
  id: string;
  status: "confirmed" | "tentative" | "cancelled";
  summary?: string;
  description?: string;
  location?: string;
  start?: FakeGoogleEventDateTime;
  end?: FakeGoogleEventDateTime;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: FakeGoogleEventDateTime;
  etag: string;
  updated: string;
  created: string;
  sequence: number;
  iCalUID: string;
  htmlLink: string;
  kind: "calendar#event";
  // Further fields the fake stores and answers (additions to the contract).
  creator?: { email: string; self?: boolean };
  organizer?: { email: string; displayName?: string; self?: boolean };
  reminders?: { useDefault?: boolean; overrides?: { method?: string; minutes?: number }[] };
  eventType?: string;
  colorId?: string;
  transparency?: string;
  visibility?: string;
  attendees?: calendar_v3.Schema$EventAttendee[];
  source?: { title?: string; url?: string };
  guestsCanInviteOthers?: boolean;
  guestsCanModify?: boolean;
  guestsCanSeeOtherGuests?: boolean;
  anyoneCanAddSelf?: boolean;
}

export type FakeGoogleFaultKind = "401" | "403-rate" | "403-user-rate" | "403-quota" | "429" | "500" | "503" | "slow";

export interface FakeGoogleFault {
  kind: FakeGoogleFaultKind;
  times?: number; // how many matching requests in a row (default 1)
  /** Only requests whose "METHOD path" matches, e.g. /PATCH|PUT/ or /\/token$/. Default: Calendar API requests only (not OAuth). */
  match?: RegExp;
  slowMs?: number; // for "slow" (default 2000): delay, then answer normally
}

export interface FakeGoogleRequest {
  method: string;
  path: string;
  status: number;
  account?: string;
}

export interface FakeGoogleChannel {
  id: string;
  resourceId: string;
  token?: string;
  address: string;
  expiration: number;
  calendarId: string;
  account: string;
}

export interface FakeGoogleNotification {
  channelId: string;
  state: "sync" | "exists";
  status: number | "error";
}

export interface FakeGoogleApproveOptions {
  /** Scopes the user leaves ticked (granular consent). Default: every requested scope. */
  grantScopes?: string[];
  /** Account to sign in as for this approval (default: the signInAs account). */
  account?: string;
}

export interface FakeGoogle {
  readonly url: string; // "http://127.0.0.1:PORT" (no trailing slash). googleapis rootUrl = url + "/"
  readonly authUrl: string; // url + "/o/oauth2/v2/auth"
  readonly tokenUrl: string; // url + "/token"
  readonly revokeUrl: string; // url + "/revoke"
  /** url + "/oauth2/v3/userinfo" (OpenID userinfo; answers for tokens with openid/email/profile scopes). */
  readonly userinfoUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every HTTP request received: method, path (no query), status answered, account email if authenticated. */
  readonly requests: FakeGoogleRequest[];
  /** The account the consent page / approve() signs in as. */
  readonly signedInAs: string;
  /** Account that the consent page / approve() signs in as. Default "coach@example.com". Accounts are created on first use; each has a primary calendar whose id is its email; "primary" aliases it. */
  signInAs(email: string): void;
  /** Simulates the user pressing Allow on the consent page for this authorization URL. Throws on invalid params. */
  approve(authorizationUrl: string | URL, options?: FakeGoogleApproveOptions): Promise<URL>;
  /** Same for Deny: redirect_uri?error=access_denied&state=... */
  deny(authorizationUrl: string | URL): Promise<URL>;
  /** Events of a calendar (default: the signed-in account's primary), cancelled ones included, sorted by id. Returns copies. */
  events(calendarId?: string, account?: string): FakeGoogleEvent[];
  /** "The user edits in Google Calendar": bumps updated/etag/sequence, goes into the change log, fires push notifications. */
  createEvent(
    input: Partial<FakeGoogleEvent> & { start: object; end: object },
    calendarId?: string,
    account?: string,
  ): FakeGoogleEvent;
  updateEvent(id: string, patch: Partial<FakeGoogleEvent>, calendarId?: string, account?: string): FakeGoogleEvent;
  deleteEvent(id: string, calendarId?: string, account?: string): void;
  /**
   * Every sync token issued so far answers 410 fullSyncRequired from now on. With `forgetDeleted`, Google's
   * other half of that story too: it has dropped its old tombstones (which is why the tokens went), so
   * deleted events are no longer listed (not even with showDeleted) nor found by get; their ids stay taken.
   * Cancelled instances of a live series are kept: they are part of the series.
   */
  expireSyncTokens(options?: { forgetDeleted?: boolean }): void;
  /** Every access token issued so far answers 401 from now on (refresh tokens keep working). */
  expireAccessTokens(): void;
  /** Revokes all tokens of an account (default: every account): refresh → 400 invalid_grant, calendar calls → 401. */
  revokeAccess(account?: string): void;
  /** Queue faults; they apply in order to matching requests. */
  fail(fault: FakeGoogleFault): void;
  /** Queued faults not taken yet (a "slow" one is taken when its request arrives, then it waits). */
  readonly queuedFaults: number;
  /** Random faults on a share (0..1) of Calendar API requests, deterministic from `seed`; rate 0 turns it off. */
  faultRate(rate: number, kinds: FakeGoogleFaultKind[], seed?: number): void;
  /** Live watch channels (not stopped, not expired). */
  readonly channels: FakeGoogleChannel[];
  /** Every push notification attempted, with the status the receiver answered. */
  readonly notifications: FakeGoogleNotification[];
  /** Resolves when all push notifications fired so far have been answered. */
  settled(): Promise<void>;
  /** Forget faults and counters (requests, notifications, quota windows); keep accounts, events, tokens. */
  resetCounters(): void;
  close(): Promise<void>;
}

/** A Calendar API error in Google's shape; thrown by the helper methods (createEvent, …) too. */
export class FakeGoogleError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly detail: FakeGoogleApiError;
  constructor(detail: FakeGoogleApiError) {
    super(`${detail.code} ${detail.reason}: ${detail.message}`);
    this.name = "FakeGoogleError";
    this.code = detail.code;
    this.reason = detail.reason;
    this.detail = detail;
  }
}

export interface FakeGoogleApiError {
  code: number;
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
  /** error.message when it differs from errors[0].message. */
  topMessage?: string;
}

// ───────────────────────────── constants ─────────────────────────────

export const GOOGLE_CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar";
export const GOOGLE_CALENDAR_EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events";

const AUTH = "https://www.googleapis.com/auth/";
const EVENT_READ_SCOPES = new Set(
  [
    "calendar",
    "calendar.readonly",
    "calendar.events",
    "calendar.events.readonly",
    "calendar.events.owned",
    "calendar.events.owned.readonly",
  ].map((s) => AUTH + s),
);
const EVENT_WRITE_SCOPES = new Set(["calendar", "calendar.events", "calendar.events.owned"].map((s) => AUTH + s));
const CALENDAR_GET_SCOPES = new Set(
  ["calendar", "calendar.readonly", "calendar.calendars", "calendar.calendars.readonly", "calendar.app.created"].map(
    (s) => AUTH + s,
  ),
);
const CALENDAR_LIST_SCOPES = new Set(
  ["calendar", "calendar.readonly", "calendar.calendarlist", "calendar.calendarlist.readonly"].map((s) => AUTH + s),
);
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  [`${AUTH}calendar`]:
    "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
  [`${AUTH}calendar.readonly`]: "See and download any calendar you can access using your Google Calendar",
  [`${AUTH}calendar.events`]: "View and edit events on all your calendars",
  [`${AUTH}calendar.events.readonly`]: "View events on all your calendars",
  [`${AUTH}calendar.events.owned`]: "See, create, change, and delete events on Google calendars you own",
  [`${AUTH}calendar.calendarlist.readonly`]: "See the list of Google calendars you're subscribed to",
  [`${AUTH}userinfo.email`]: "See your primary Google Account email address",
  [`${AUTH}userinfo.profile`]: "See your personal info, including any personal info you've made publicly available",
  openid: "Associate you with your personal info on Google",
};
/** Google answers the short OpenID scope names with their long form. */
const SCOPE_ALIASES: Record<string, string> = { email: `${AUTH}userinfo.email`, profile: `${AUTH}userinfo.profile` };

const DAY = 86_400_000;
const CODE_TTL_MS = 10 * 60_000;
const MAX_PAGE = 2500;
const DEFAULT_PAGE = 250;
const INSTANCE_CAP = 1000;
const UNBOUNDED_HORIZON_MS = 2 * 365 * DAY;
const MAX_SNAPSHOTS = 500;
const EVENT_ID_PATTERN = /^[a-v0-9]{5,1024}$/;
const CHANNEL_ID_PATTERN = /^[A-Za-z0-9\-_+/=]{1,64}$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
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
const SEQUENCE_KEYS = ["start", "end", "recurrence", "summary", "location", "status"] as const;

const HTTP_STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  412: "FAILED_PRECONDITION",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

const FAULTS: Record<Exclude<FakeGoogleFaultKind, "slow">, FakeGoogleApiError> = {
  "401": invalidCredentials(),
  "403-rate": { code: 403, domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded" },
  "403-user-rate": {
    code: 403,
    domain: "usageLimits",
    reason: "userRateLimitExceeded",
    message: "User Rate Limit Exceeded",
  },
  "403-quota": {
    code: 403,
    domain: "usageLimits",
    reason: "quotaExceeded",
    message: "Calendar usage limits exceeded.",
  },
  "429": { code: 429, domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded" },
  "500": { code: 500, domain: "global", reason: "backendError", message: "Backend Error" },
  "503": { code: 503, domain: "global", reason: "backendError", message: "Backend Error" },
};

// ───────────────────────────── internal types ─────────────────────────────

type Json = Record<string, unknown>;

interface EventRecord {
  ev: FakeGoogleEvent;
  /** Position in the change log (strictly increasing across the fake, independent of the clock). */
  seq: number;
}

/** An instance that a change of its series' start or rule removed: reported as cancelled in incremental syncs. */
interface Ghost {
  id: string;
  recurringEventId: string;
  originalStartTime: FakeGoogleEventDateTime;
  etag: string;
  seq: number;
}

interface Calendar {
  key: string;
  id: string;
  account: string;
  resourceId: string;
  created: string;
  events: Map<string, EventRecord>;
  ghosts: Map<string, Ghost>;
  /** Ids of deleted events whose tombstones were dropped: gone from lists and get, still taken for insert. */
  forgotten: Set<string>;
}

interface Account {
  email: string;
  sub: string;
  calendars: Map<string, Calendar>;
}

interface Grant {
  id: string;
  account: string;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

interface AccessToken {
  grantId: string;
  scopes: string[];
  expiresAt: number;
  expired: boolean;
}

interface RefreshToken {
  grantId: string;
  active: boolean;
}

interface AuthRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  codeChallenge: string;
  accessType: "online" | "offline";
  prompt: string[];
  includeGrantedScopes: boolean;
  loginHint?: string;
  nonce?: string;
}

interface AuthCode {
  request: AuthRequest;
  account: string;
  scopes: string[];
  issueRefreshToken: boolean;
  expiresAt: number;
  used: boolean;
  grantId?: string;
}

interface ChannelRecord extends FakeGoogleChannel {
  calendarKey: string;
  resourceUri: string;
  messageNumber: number;
}

interface Snapshot {
  calendarKey: string;
  account: string;
  items: calendar_v3.Schema$Event[];
  /** Change-log position the snapshot reflects: the sync token of its last page starts from here. */
  seq: number;
  /** false for events.instances (no sync token). */
  syncable: boolean;
  collection: Json;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  path: string;
  body: string;
  account?: string;
}

interface Candidate {
  ev: FakeGoogleEvent;
  seq: number;
  startMs: number;
  stub: boolean;
}

interface ListParams {
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

class AuthRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`Error ${status}: ${error} (${description})`);
    this.name = "AuthRequestError";
  }
}

/** An OAuth endpoint error: JSON `{error, error_description}`. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

// ───────────────────────────── the server ─────────────────────────────

export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const clientId = options.clientId ?? "fake-client-id.apps.googleusercontent.com";
  const clientSecret = options.clientSecret ?? "fake-client-secret";
  const clock = options.clock ?? { now: () => new Date() };
  const accessTtl = options.accessTokenTtlSeconds ?? 3599;
  const maxChannelTtlMs = (options.maxChannelTtlSeconds ?? 7 * 24 * 3600) * 1000;
  const retryDelays = options.notificationRetryDelaysMs ?? [200, 1000];
  const nowMs = () => clock.now().getTime();

  const accounts = new Map<string, Account>();
  let signedInAs = "coach@example.com";
  let changeSeq = 0;
  let lastEtag = 0;

  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, RefreshToken>();
  const codes = new Map<string, AuthCode>();
  const pendingConsents = new Map<string, { request: AuthRequest; expiresAt: number }>();
  /** Per account+client: scopes consented before and whether offline access was granted (refresh token issued). */
  const consents = new Map<string, { scopes: Set<string>; offline: boolean }>();

  const syncTokens = new Map<string, { calendarKey: string; seq: number }>();
  const snapshots = new Map<string, Snapshot>();

  const channels = new Map<string, ChannelRecord>();
  const notifications: FakeGoogleNotification[] = [];
  const requests: FakeGoogleRequest[] = [];
  const faults: { fault: FakeGoogleFault; left: number }[] = [];
  let randomFaults: { rate: number; kinds: FakeGoogleFaultKind[]; next: () => number } | null = null;
  const quotaWindows = new Map<string, number[]>();
  const pending = new Set<Promise<void>>();
  const shutdown = new AbortController();

  // ── accounts and calendars ──

  function account(email: string): Account {
    const key = email.toLowerCase();
    let acc = accounts.get(key);
    if (!acc) {
      acc = { email: key, sub: `1${String(randomInt(1, 2 ** 47)).padStart(20, "0")}`, calendars: new Map() };
      accounts.set(key, acc);
      addCalendar(acc, key);
    }
    return acc;
  }

  function addCalendar(acc: Account, id: string): Calendar {
    const cal: Calendar = {
      key: `${acc.email}\n${id}`,
      id,
      account: acc.email,
      resourceId: randomBytes(15).toString("base64url").replace(/[-_]/g, "x"),
      created: new Date(nowMs()).toISOString(),
      events: new Map(),
      ghosts: new Map(),
      forgotten: new Set(),
    };
    acc.calendars.set(id, cal);
    return cal;
  }

  function findCalendar(email: string, calendarId: string): Calendar | undefined {
    const acc = account(email);
    return acc.calendars.get(calendarId === "primary" ? acc.email : calendarId);
  }

  function helperCalendar(calendarId: string | undefined, email: string | undefined, create: boolean): Calendar {
    const acc = account(email ?? signedInAs);
    const id = !calendarId || calendarId === "primary" ? acc.email : calendarId;
    const cal = acc.calendars.get(id) ?? (create ? addCalendar(acc, id) : undefined);
    if (!cal) throw new FakeGoogleError(notFoundError());
    return cal;
  }

  // ── events: writes ──

  function newEtag(): string {
    lastEtag = Math.max(lastEtag + 1, nowMs() * 1000);
    return `"${lastEtag}"`;
  }

  function insertEvent(cal: Calendar, body: Json): FakeGoogleEvent {
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
    const now = new Date(nowMs()).toISOString();
    const organizerEmail = cal.id;
    const ev: FakeGoogleEvent = {
      kind: "calendar#event",
      etag: newEtag(),
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
    store(cal, ev);
    return ev;
  }

  /** PATCH (merge) or PUT (replace) of a stored event or of a recurring instance (which then becomes an exception). */
  function modifyEvent(
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
    next.etag = newEtag();
    next.updated = new Date(nowMs()).toISOString();
    if (current.recurrence?.length || next.recurrence?.length) recordGhosts(cal, current, next);
    store(cal, next);
    return next;
  }

  function removeEvent(cal: Calendar, eventId: string, ifMatch: string | undefined): void {
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
    store(cal, cancelled(current));
    // Deleting a series deletes its exceptions too.
    if (current.recurrence?.length) {
      for (const rec of [...cal.events.values()]) {
        if (rec.ev.recurringEventId === current.id && rec.ev.status !== "cancelled")
          store(cal, cancelled(rec.ev), false);
      }
    }
  }

  function cancelled(ev: FakeGoogleEvent): FakeGoogleEvent {
    return { ...ev, status: "cancelled", etag: newEtag(), updated: new Date(nowMs()).toISOString() };
  }

  function store(cal: Calendar, ev: FakeGoogleEvent, notify = true): void {
    changeSeq += 1;
    cal.events.set(ev.id, { ev, seq: changeSeq });
    cal.ghosts.delete(ev.id);
    if (notify) notifyChange(cal);
  }

  /** Drops the tombstones of deleted events (not cancelled instances of a live series, which belong to it). */
  function forgetDeleted(): void {
    for (const acc of accounts.values()) {
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
  function materializeInstance(cal: Calendar, eventId: string): FakeGoogleEvent | undefined {
    const match = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(eventId);
    if (!match?.[1] || !match[2]) return undefined;
    const master = cal.events.get(match[1])?.ev;
    if (!master?.recurrence?.length || master.status === "cancelled") return undefined;
    const occurrence = findOccurrence(master, match[2]);
    return occurrence ? instanceOf(master, occurrence) : undefined;
  }

  /** A change of a series' start or rule drops instances: remember them so incremental syncs report them cancelled. */
  function recordGhosts(cal: Calendar, before: FakeGoogleEvent, after: FakeGoogleEvent): void {
    if (sameJson(before.start, after.start) && sameJson(before.recurrence, after.recurrence)) return;
    const now = nowMs();
    const kept = new Set(after.recurrence?.length ? instanceIds(after, now) : []);
    for (const [id, original] of before.recurrence?.length ? instanceEntries(before, now) : []) {
      if (kept.has(id) || cal.events.has(id)) continue;
      cal.ghosts.set(id, {
        id,
        recurringEventId: before.id,
        originalStartTime: original,
        etag: newEtag(),
        seq: changeSeq + 1, // the master's own store() takes this position
      });
    }
  }

  // ── events: reads ──

  function listCandidates(cal: Calendar, p: ListParams): Candidate[] {
    const out: Candidate[] = [];
    const now = nowMs();
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

  function incrementalCandidates(cal: Calendar, since: number, p: ListParams): Candidate[] {
    const out: Candidate[] = [];
    const now = nowMs();
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

  function listEvents(ctx: Ctx, cal: Calendar, email: string): void {
    const q = ctx.url.searchParams;
    const maxResults = parseMaxResults(q.get("maxResults"));
    const pageToken = q.get("pageToken");
    if (pageToken) {
      const decoded = decodePageToken(pageToken);
      const snap = decoded ? snapshots.get(decoded.id) : undefined;
      if (!decoded || !snap || snap.calendarKey !== cal.key || !snap.syncable) {
        throw new FakeGoogleError(invalidValue("pageToken"));
      }
      answerPage(ctx, snap, decoded.id, decoded.offset, maxResults);
    } else {
      const p = parseListParams(q);
      let candidates: Candidate[];
      if (p.syncToken !== undefined) {
        const token = syncTokens.get(p.syncToken);
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
        candidates = incrementalCandidates(cal, token.seq, p);
      } else {
        candidates = listCandidates(cal, p);
      }
      const snap: Snapshot = {
        calendarKey: cal.key,
        account: email,
        items: sortCandidates(candidates, p.orderBy).map((c) => present(c.ev, c.stub, p.timeZone)),
        seq: changeSeq,
        syncable: true,
        collection: collectionFields(cal),
      };
      answerPage(ctx, snap, undefined, 0, maxResults);
    }
  }

  function listInstances(ctx: Ctx, cal: Calendar, eventId: string): void {
    const q = ctx.url.searchParams;
    const maxResults = parseMaxResults(q.get("maxResults"));
    const pageToken = q.get("pageToken");
    if (pageToken) {
      const decoded = decodePageToken(pageToken);
      const snap = decoded ? snapshots.get(decoded.id) : undefined;
      if (!decoded || !snap || snap.calendarKey !== cal.key) throw new FakeGoogleError(invalidValue("pageToken"));
      answerPage(ctx, snap, decoded.id, decoded.offset, maxResults);
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
    const showDeleted = parseBool(q, "showDeleted") ?? false;
    const timeMin = parseTime(q, "timeMin");
    const timeMax = parseTime(q, "timeMax");
    const timeZone = parseTimeZoneParam(q);
    if (timeMin !== undefined && timeMax !== undefined && timeMin >= timeMax)
      throw new FakeGoogleError(timeRangeEmpty());
    const items: calendar_v3.Schema$Event[] = [];
    if (master.recurrence?.length) {
      let count = 0;
      const horizon = timeMax ?? defaultHorizon(master, nowMs());
      for (const occ of expand(master, horizon)) {
        if (timeMin !== undefined && occ.endMs <= timeMin) continue;
        const inst = instanceOf(master, occ);
        const exception = cal.events.get(inst.id)?.ev;
        const ev = exception ?? inst;
        if (ev.status === "cancelled" && !showDeleted) continue;
        items.push(present(ev, false, timeZone));
        if (timeMax === undefined && ++count >= INSTANCE_CAP) break;
      }
    }
    const snap: Snapshot = {
      calendarKey: cal.key,
      account: cal.account,
      items,
      seq: changeSeq,
      syncable: false,
      collection: collectionFields(cal),
    };
    answerPage(ctx, snap, undefined, 0, maxResults);
  }

  function collectionFields(cal: Calendar): Json {
    let updated = cal.created;
    for (const { ev } of cal.events.values()) if (ev.updated > updated) updated = ev.updated;
    return {
      kind: "calendar#events",
      etag: `"p3${String(lastEtag).slice(-14)}g"`,
      summary: cal.id,
      updated,
      timeZone: "UTC",
      accessRole: "owner",
      defaultReminders: [],
    };
  }

  function saveSnapshot(snap: Snapshot): string {
    const id = randomBytes(12).toString("base64url");
    snapshots.set(id, snap);
    if (snapshots.size > MAX_SNAPSHOTS) {
      const oldest = snapshots.keys().next().value;
      if (oldest !== undefined) snapshots.delete(oldest);
    }
    return id;
  }

  /** Answers one page of a snapshot; the snapshot is stored (and gets an id) only when there is a next page. */
  function answerPage(
    ctx: Ctx,
    snap: Snapshot,
    snapshotId: string | undefined,
    offset: number,
    maxResults: number,
  ): void {
    const items = snap.items.slice(offset, offset + maxResults);
    const body: calendar_v3.Schema$Events = { ...(snap.collection as calendar_v3.Schema$Events), items };
    if (offset + maxResults < snap.items.length) {
      body.nextPageToken = encodePageToken(snapshotId ?? saveSnapshot(snap), offset + maxResults);
    } else if (snap.syncable) {
      // Only the last page carries a sync token; it starts at the snapshot, so changes made while the client
      // was paging come with the next incremental sync.
      const token = `C${randomBytes(18).toString("base64")}`;
      syncTokens.set(token, { calendarKey: snap.calendarKey, seq: snap.seq });
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

  // ── push notifications ──

  function liveChannels(): ChannelRecord[] {
    const now = nowMs();
    for (const [id, ch] of channels) if (ch.expiration <= now) channels.delete(id);
    return [...channels.values()];
  }

  function notifyChange(cal: Calendar): void {
    for (const ch of liveChannels()) if (ch.calendarKey === cal.key) deliver(ch, "exists");
  }

  function deliver(ch: ChannelRecord, state: "sync" | "exists"): void {
    // Message numbers increase but are not sequential on the real service.
    ch.messageNumber = state === "sync" ? 1 : ch.messageNumber + 1 + randomInt(1, 40);
    const headers: Record<string, string> = {
      "user-agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
      "x-goog-channel-id": ch.id,
      "x-goog-message-number": String(ch.messageNumber),
      "x-goog-resource-id": ch.resourceId,
      "x-goog-resource-state": state,
      "x-goog-resource-uri": ch.resourceUri,
      "x-goog-channel-expiration": new Date(ch.expiration).toUTCString(),
    };
    if (ch.token !== undefined) headers["x-goog-channel-token"] = ch.token;
    const run = async () => {
      for (let attempt = 0; ; attempt++) {
        let status: number | "error";
        try {
          const response = await fetch(ch.address, {
            method: "POST",
            headers,
            body: "",
            redirect: "manual",
            signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(10_000)]),
          });
          status = response.status;
          await response.body?.cancel();
        } catch {
          status = "error";
        }
        if (shutdown.signal.aborted) return;
        notifications.push({ channelId: ch.id, state, status });
        const delay = retryDelays[attempt];
        // Google retries 500/502/503/504 with backoff; any other failure is dropped.
        if (delay === undefined || typeof status !== "number" || ![500, 502, 503, 504].includes(status)) return;
        await sleep(delay);
      }
    };
    const tracked: Promise<void> = run().finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  // ── OAuth ──

  function parseAuthRequest(params: URLSearchParams): AuthRequest {
    const bad = (message: string, error = "invalid_request", status = 400) =>
      new AuthRequestError(status, error, message);
    const id = params.get("client_id");
    if (!id) throw bad("Missing required parameter: client_id");
    if (id !== clientId) throw bad("The OAuth client was not found.", "invalid_client", 401);
    const redirectUri = params.get("redirect_uri");
    if (!redirectUri) throw bad("Missing required parameter: redirect_uri");
    let parsedRedirect: URL | undefined;
    try {
      parsedRedirect = new URL(redirectUri);
    } catch {
      parsedRedirect = undefined;
    }
    if (
      !parsedRedirect ||
      !/^https?:$/.test(parsedRedirect.protocol) ||
      parsedRedirect.hash ||
      (options.redirectUris && !options.redirectUris.includes(redirectUri))
    ) {
      throw bad(
        `redirect_uri=${redirectUri}: You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. The redirect URI must be registered for this client.`,
        "redirect_uri_mismatch",
      );
    }
    const responseType = params.get("response_type");
    if (!responseType) throw bad("Missing required parameter: response_type");
    if (responseType !== "code") throw bad(`Invalid response_type: ${responseType}`, "unsupported_response_type");
    const scope = params.get("scope");
    if (!scope?.trim()) throw bad("Missing required parameter: scope");
    const scopes = [...new Set(scope.trim().split(/\s+/))];
    const invalid = scopes.filter((s) => !isKnownScope(s));
    if (invalid.length > 0)
      throw bad(`Some requested scopes were invalid. {invalid=[${invalid.join(", ")}]}`, "invalid_scope");
    // Google itself does not require state or PKCE; the fake does, because the app must send both.
    const state = params.get("state");
    if (!state) throw bad("Missing required parameter: state (the fake requires it; the app must send one)");
    const codeChallenge = params.get("code_challenge");
    if (!codeChallenge) throw bad("Missing required parameter: code_challenge (the fake requires PKCE)");
    const method = params.get("code_challenge_method");
    if (method !== "S256") {
      throw bad(`Invalid code_challenge_method: ${method ?? "(missing, i.e. plain)"} (the fake requires S256)`);
    }
    if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) throw bad("Invalid code_challenge: expected base64url SHA-256");
    const accessType = params.get("access_type") ?? "online";
    if (accessType !== "online" && accessType !== "offline") throw bad(`Invalid access_type: ${accessType}`);
    const prompt = (params.get("prompt") ?? "").split(/\s+/).filter(Boolean);
    for (const value of prompt) {
      if (!["none", "consent", "select_account"].includes(value)) throw bad(`Invalid prompt: ${value}`);
    }
    if (prompt.includes("none") && prompt.length > 1) throw bad("Invalid prompt: none cannot be combined");
    const request: AuthRequest = {
      clientId: id,
      redirectUri,
      scopes,
      state,
      codeChallenge,
      accessType,
      prompt,
      includeGrantedScopes: params.get("include_granted_scopes") === "true",
    };
    const loginHint = params.get("login_hint");
    if (loginHint) request.loginHint = loginHint;
    const nonce = params.get("nonce");
    if (nonce) request.nonce = nonce;
    return request;
  }

  function parseAuthorizationUrl(authorizationUrl: string | URL): AuthRequest {
    const url = new URL(authorizationUrl);
    if (`${url.origin}${url.pathname}` !== `${baseUrl}/o/oauth2/v2/auth`) {
      throw new AuthRequestError(
        400,
        "invalid_request",
        `The authorization URL must start with ${baseUrl}/o/oauth2/v2/auth, got ${url.origin}${url.pathname}`,
      );
    }
    return parseAuthRequest(url.searchParams);
  }

  function issueCode(request: AuthRequest, email: string, granted: string[]): URL {
    const acc = account(email);
    const key = `${acc.email}\n${request.clientId}`;
    const prior = consents.get(key);
    const scopes = normalizeScopes(request.includeGrantedScopes && prior ? [...prior.scopes, ...granted] : granted);
    // Like Google: a refresh token comes with the first offline consent, or again only with prompt=consent.
    const issueRefreshToken =
      request.accessType === "offline" && (request.prompt.includes("consent") || !prior?.offline);
    consents.set(key, {
      scopes: new Set([...(prior?.scopes ?? []), ...scopes]),
      offline: (prior?.offline ?? false) || request.accessType === "offline",
    });
    const code = `4/0A${randomBytes(48).toString("base64url")}`;
    codes.set(code, {
      request,
      account: acc.email,
      scopes,
      issueRefreshToken,
      expiresAt: nowMs() + CODE_TTL_MS,
      used: false,
    });
    const target = new URL(request.redirectUri);
    target.searchParams.set("state", request.state);
    target.searchParams.set("code", code);
    target.searchParams.set("scope", scopes.join(" "));
    target.searchParams.set("authuser", "0");
    target.searchParams.set("prompt", "consent");
    return target;
  }

  function denyUrl(request: AuthRequest, error = "access_denied"): URL {
    const target = new URL(request.redirectUri);
    target.searchParams.set("error", error);
    target.searchParams.set("state", request.state);
    return target;
  }

  function issueAccessToken(grant: Grant, scopes: string[]): { token: string; expiresIn: number } {
    const token = `ya29.a0${randomBytes(60).toString("base64url")}`;
    accessTokens.set(token, { grantId: grant.id, scopes, expiresAt: nowMs() + accessTtl * 1000, expired: false });
    return { token, expiresIn: accessTtl };
  }

  function issueRefreshToken(grant: Grant): string {
    const token = `1//0${randomBytes(45).toString("base64url")}`;
    refreshTokens.set(token, { grantId: grant.id, active: true });
    return token;
  }

  function idToken(grant: Grant, nonce?: string): string {
    const acc = account(grant.account);
    const iat = Math.floor(nowMs() / 1000);
    const header = { alg: "RS256", kid: "fake-google", typ: "JWT" };
    const payload: Json = {
      iss: "https://accounts.google.com",
      azp: grant.clientId,
      aud: grant.clientId,
      sub: acc.sub,
      iat,
      exp: iat + 3600,
    };
    if (grant.scopes.includes(SCOPE_ALIASES.email as string)) {
      payload.email = acc.email;
      payload.email_verified = true;
    }
    if (nonce) payload.nonce = nonce;
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    // Not signed with a real key: arctic's decodeIdToken does not verify signatures.
    return `${part(header)}.${part(payload)}.${randomBytes(64).toString("base64url")}`;
  }

  function revokeGrant(grant: Grant): void {
    grant.revoked = true;
    consents.delete(`${grant.account}\n${grant.clientId}`);
  }

  function tokenInfo(token: string): { grant: Grant; info: AccessToken } | undefined {
    const info = accessTokens.get(token);
    const grant = info ? grants.get(info.grantId) : undefined;
    return info && grant ? { grant, info } : undefined;
  }

  async function handleToken(ctx: Ctx): Promise<void> {
    if (ctx.method !== "POST") throw new OAuthError(405, "invalid_request", "Method Not Allowed");
    const params = formParams(ctx);
    const basic = parseBasic(ctx.req.headers.authorization);
    const id = basic?.id ?? params.get("client_id");
    const secret = basic?.secret ?? params.get("client_secret");
    if (!id) throw new OAuthError(400, "invalid_request", "Could not determine client ID from request.");
    if (id !== clientId) throw new OAuthError(401, "invalid_client", "The OAuth client was not found.");
    if (!secret) throw new OAuthError(400, "invalid_request", "client_secret is missing.");
    if (secret !== clientSecret) throw new OAuthError(401, "invalid_client", "Unauthorized");
    const grantType = params.get("grant_type") ?? "";
    if (grantType === "authorization_code") {
      const code = params.get("code");
      if (!code) throw new OAuthError(400, "invalid_request", "Missing required parameter: code");
      const rec = codes.get(code);
      if (!rec) throw new OAuthError(400, "invalid_grant", "Malformed auth code.");
      ctx.account = rec.account;
      if (rec.used) {
        // A replayed code also revokes what the first exchange issued (RFC 6749 §4.1.2).
        const grant = rec.grantId ? grants.get(rec.grantId) : undefined;
        if (grant) revokeGrant(grant);
        throw new OAuthError(400, "invalid_grant", "Bad Request");
      }
      if (rec.expiresAt <= nowMs()) throw new OAuthError(400, "invalid_grant", "Bad Request");
      if (rec.request.clientId !== id) throw new OAuthError(400, "invalid_grant", "Bad Request");
      const redirectUri = params.get("redirect_uri");
      if (!redirectUri) throw new OAuthError(400, "invalid_request", "Missing parameter: redirect_uri");
      if (redirectUri !== rec.request.redirectUri) throw new OAuthError(400, "redirect_uri_mismatch", "Bad Request");
      const verifier = params.get("code_verifier");
      if (!verifier) throw new OAuthError(400, "invalid_grant", "Missing code verifier.");
      if (createHash("sha256").update(verifier).digest("base64url") !== rec.request.codeChallenge) {
        throw new OAuthError(400, "invalid_grant", "Invalid code verifier.");
      }
      rec.used = true;
      const grant: Grant = {
        id: randomBytes(9).toString("hex"),
        account: rec.account,
        clientId: id,
        scopes: rec.scopes,
        revoked: false,
      };
      grants.set(grant.id, grant);
      rec.grantId = grant.id;
      const access = issueAccessToken(grant, grant.scopes);
      const body: Json = {
        access_token: access.token,
        expires_in: access.expiresIn,
        scope: grant.scopes.join(" "),
        token_type: "Bearer",
      };
      if (rec.issueRefreshToken) body.refresh_token = issueRefreshToken(grant);
      if (grant.scopes.includes("openid")) body.id_token = idToken(grant, rec.request.nonce);
      return sendOAuthJson(ctx, 200, body);
    }
    if (grantType === "refresh_token") {
      const token = params.get("refresh_token");
      if (!token) throw new OAuthError(400, "invalid_request", "Missing required parameter: refresh_token");
      const rec = refreshTokens.get(token);
      const grant = rec ? grants.get(rec.grantId) : undefined;
      if (grant) ctx.account = grant.account;
      if (!rec || !grant || !rec.active || grant.revoked) {
        throw new OAuthError(400, "invalid_grant", "Token has been expired or revoked.");
      }
      if (grant.clientId !== id) throw new OAuthError(400, "unauthorized_client", "Unauthorized");
      let scopes = grant.scopes;
      const requested = params.get("scope");
      if (requested?.trim()) {
        const wanted = normalizeScopes(requested.trim().split(/\s+/));
        const extra = wanted.filter((s) => !grant.scopes.includes(s));
        if (extra.length > 0) {
          throw new OAuthError(
            400,
            "invalid_scope",
            `Some requested scopes were invalid. {invalid=[${extra.join(", ")}]}`,
          );
        }
        scopes = wanted;
      }
      const access = issueAccessToken(grant, scopes);
      const body: Json = {
        access_token: access.token,
        expires_in: access.expiresIn,
        scope: scopes.join(" "),
        token_type: "Bearer",
      };
      if (options.rotateRefreshTokens) {
        rec.active = false;
        body.refresh_token = issueRefreshToken(grant);
      }
      if (scopes.includes("openid")) body.id_token = idToken(grant);
      return sendOAuthJson(ctx, 200, body);
    }
    throw new OAuthError(400, "unsupported_grant_type", `Invalid grant_type: ${grantType}`);
  }

  function handleRevoke(ctx: Ctx): void {
    if (ctx.method !== "POST") throw new OAuthError(405, "invalid_request", "Method Not Allowed");
    // arctic sends the token in the form body, google-auth-library in the query string.
    const token = ctx.url.searchParams.get("token") ?? formParams(ctx).get("token");
    if (!token) throw new OAuthError(400, "invalid_request", "Missing required parameter: token");
    const access = accessTokens.get(token);
    const refresh = refreshTokens.get(token);
    const grant = grants.get(access?.grantId ?? refresh?.grantId ?? "");
    if (grant) ctx.account = grant.account;
    const live =
      grant &&
      !grant.revoked &&
      (access ? !access.expired && access.expiresAt > nowMs() : refresh ? refresh.active : false);
    if (!grant || !live) throw new OAuthError(400, "invalid_token", "Token expired or revoked");
    // Revoking either token revokes the whole grant: its refresh token and every access token.
    revokeGrant(grant);
    sendOAuthJson(ctx, 200, {});
  }

  function handleUserinfo(ctx: Ctx): void {
    const token = bearer(ctx.req.headers.authorization);
    const found = token ? tokenInfo(token) : undefined;
    if (!found || !tokenUsable(found)) {
      sendJson(
        ctx,
        401,
        { error: "invalid_request", error_description: "Invalid Credentials" },
        { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      );
      return;
    }
    ctx.account = found.grant.account;
    const acc = account(found.grant.account);
    const body: Json = { sub: acc.sub };
    if (found.info.scopes.includes(SCOPE_ALIASES.email as string)) {
      body.email = acc.email;
      body.email_verified = true;
    }
    if (found.info.scopes.includes(SCOPE_ALIASES.profile as string)) body.name = acc.email.split("@")[0];
    sendJson(ctx, 200, body);
  }

  function consentPage(ctx: Ctx): void {
    let request: AuthRequest;
    try {
      request = parseAuthRequest(ctx.url.searchParams);
    } catch (error) {
      if (!(error instanceof AuthRequestError)) throw error;
      sendHtml(ctx, error.status, errorPage(error));
      return;
    }
    if (request.prompt.includes("none")) {
      // No UI allowed: succeed silently only when this account already consented to every scope.
      const prior = consents.get(`${account(signedInAs).email}\n${request.clientId}`);
      const covered = prior && normalizeScopes(request.scopes).every((s) => prior.scopes.has(s));
      const target = covered ? issueCode(request, signedInAs, request.scopes) : denyUrl(request, "consent_required");
      redirect(ctx, target);
      return;
    }
    const consentId = randomBytes(18).toString("base64url");
    pendingConsents.set(consentId, { request, expiresAt: nowMs() + CODE_TTL_MS });
    sendHtml(ctx, 200, consentHtml(consentId, request, account(signedInAs).email));
  }

  function consentDecision(ctx: Ctx): void {
    const form = formParams(ctx);
    const consentId = form.get("consent") ?? "";
    const pendingConsent = pendingConsents.get(consentId);
    pendingConsents.delete(consentId);
    if (!pendingConsent || pendingConsent.expiresAt <= nowMs()) {
      const expired = new AuthRequestError(
        400,
        "invalid_request",
        "This consent page has expired or was already used.",
      );
      sendHtml(ctx, 400, errorPage(expired));
      return;
    }
    const { request } = pendingConsent;
    if (form.get("decision") !== "allow") {
      redirect(ctx, denyUrl(request));
      return;
    }
    const email = form.get("account")?.trim() || signedInAs;
    const ticked = form.getAll("scope");
    const granted = request.scopes.filter((s) => ticked.includes(s));
    ctx.account = email.toLowerCase();
    redirect(ctx, issueCode(request, email, granted));
  }

  // ── Calendar API ──

  function tokenUsable(found: { grant: Grant; info: AccessToken }): boolean {
    return !found.grant.revoked && !found.info.expired && found.info.expiresAt > nowMs();
  }

  function authenticate(ctx: Ctx): { email: string; scopes: string[] } {
    const header = ctx.req.headers.authorization;
    const token = bearer(header);
    if (!header) {
      throw new FakeGoogleError({
        code: 401,
        domain: "global",
        reason: "required",
        message: "Login Required.",
        locationType: "header",
        location: "Authorization",
        topMessage:
          "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      });
    }
    const found = token ? tokenInfo(token) : undefined;
    if (!found || !tokenUsable(found)) throw new FakeGoogleError(invalidCredentials());
    ctx.account = found.grant.account;
    return { email: found.grant.account, scopes: found.info.scopes };
  }

  function requireScope(scopes: string[], allowed: Set<string>): void {
    if (scopes.some((s) => allowed.has(s))) return;
    throw new FakeGoogleError({
      code: 403,
      domain: "global",
      reason: "insufficientPermissions",
      message: "Insufficient Permission",
      topMessage: "Request had insufficient authentication scopes.",
    });
  }

  function checkQuota(email: string): void {
    const limit = options.userQuotaPerMinute;
    if (limit === undefined) return;
    const now = nowMs();
    const window = (quotaWindows.get(email) ?? []).filter((t) => t > now - 60_000);
    quotaWindows.set(email, window);
    if (window.length >= limit) {
      throw new FakeGoogleError({
        code: 403,
        domain: "usageLimits",
        reason: "userRateLimitExceeded",
        message: "User Rate Limit Exceeded",
      });
    }
    window.push(now);
  }

  async function handleCalendar(ctx: Ctx): Promise<void> {
    const segments = ctx.path
      .slice("/calendar/v3/".length)
      .split("/")
      .map((s) => decodeURIComponent(s));
    const { method } = ctx;
    const route = matchCalendarRoute(method, segments);
    if (!route) throw new FakeGoogleError(notFoundError());
    const { email, scopes } = authenticate(ctx);
    checkQuota(email);

    if (route.name === "channels.stop") {
      requireScope(scopes, EVENT_READ_SCOPES);
      const body = jsonBody(ctx);
      const ch = typeof body.id === "string" ? channels.get(body.id) : undefined;
      // Only the user that created a channel can stop it; to anyone else it does not exist.
      if (!ch || ch.resourceId !== body.resourceId || ch.account !== email || ch.expiration <= nowMs()) {
        throw new FakeGoogleError({
          code: 404,
          domain: "global",
          reason: "notFound",
          message: `Channel '${String(body.id)}' not found for project '000000000000'`,
        });
      }
      channels.delete(ch.id);
      return sendEmpty(ctx, 204);
    }
    if (route.name === "calendarList.list") {
      requireScope(scopes, CALENDAR_LIST_SCOPES);
      const acc = account(email);
      const items = [...acc.calendars.values()].map((cal) => calendarListEntry(cal));
      return sendJson(ctx, 200, { kind: "calendar#calendarList", etag: `"p3${lastEtag}"`, items });
    }

    const cal = findCalendar(email, route.calendarId);
    if (!cal) throw new FakeGoogleError(notFoundError());
    switch (route.name) {
      case "calendarList.get":
        requireScope(scopes, CALENDAR_LIST_SCOPES);
        return sendJson(ctx, 200, calendarListEntry(cal));
      case "calendars.get":
        requireScope(scopes, CALENDAR_GET_SCOPES);
        return sendJson(ctx, 200, {
          kind: "calendar#calendar",
          etag: `"${cal.resourceId}"`,
          id: cal.id,
          summary: cal.id,
          timeZone: "UTC",
          conferenceProperties: { allowedConferenceSolutionTypes: ["hangoutsMeet"] },
        } satisfies calendar_v3.Schema$Calendar);
      case "events.list":
        requireScope(scopes, EVENT_READ_SCOPES);
        return listEvents(ctx, cal, email);
      case "events.instances":
        requireScope(scopes, EVENT_READ_SCOPES);
        return listInstances(ctx, cal, route.eventId);
      case "events.insert": {
        requireScope(scopes, EVENT_WRITE_SCOPES);
        const ev = insertEvent(cal, jsonBody(ctx));
        return sendJson(ctx, 200, present(ev, false, undefined));
      }
      case "events.get": {
        requireScope(scopes, EVENT_READ_SCOPES);
        const ev = cal.events.get(route.eventId)?.ev ?? materializeInstance(cal, route.eventId);
        if (!ev) throw new FakeGoogleError(notFoundError());
        const ifNoneMatch = header(ctx, "if-none-match");
        if (ifNoneMatch && ifNoneMatch === ev.etag) return sendEmpty(ctx, 304);
        return sendJson(ctx, 200, present(ev, false, parseTimeZoneParam(ctx.url.searchParams)), { etag: ev.etag });
      }
      case "events.patch":
      case "events.update": {
        requireScope(scopes, EVENT_WRITE_SCOPES);
        const mode = route.name === "events.patch" ? "patch" : "update";
        const ev = modifyEvent(cal, route.eventId, jsonBody(ctx), mode, header(ctx, "if-match"));
        return sendJson(ctx, 200, present(ev, false, undefined), { etag: ev.etag });
      }
      case "events.delete":
        requireScope(scopes, EVENT_WRITE_SCOPES);
        removeEvent(cal, route.eventId, header(ctx, "if-match"));
        return sendEmpty(ctx, 204);
      case "events.watch": {
        requireScope(scopes, EVENT_READ_SCOPES);
        return watch(ctx, cal, email, route.calendarId);
      }
    }
  }

  function watch(ctx: Ctx, cal: Calendar, email: string, requestedCalendarId: string): void {
    const body = jsonBody(ctx);
    const required = (field: string) =>
      new FakeGoogleError({
        code: 400,
        domain: "global",
        reason: "required",
        message: `Required`,
        locationType: "other",
        location: field,
      });
    const invalid = (field: string, message: string) =>
      new FakeGoogleError({
        code: 400,
        domain: "global",
        reason: "invalid",
        message,
        locationType: "other",
        location: field,
      });
    if (body.id === undefined || body.id === null || body.id === "") throw required("id");
    if (typeof body.id !== "string" || !CHANNEL_ID_PATTERN.test(body.id)) {
      throw invalid("id", "Channel id must match [A-Za-z0-9\\-_\\+/=]+ and be at most 64 characters.");
    }
    if (body.type === undefined || body.type === null) throw required("type");
    if (body.type !== "web_hook" && body.type !== "webhook")
      throw invalid("type", `Invalid channel type: ${String(body.type)}`);
    if (typeof body.address !== "string" || body.address === "") throw required("address");
    let address: URL;
    try {
      address = new URL(body.address);
    } catch {
      throw invalid("address", `Invalid address: ${body.address}`);
    }
    // The real service demands https with a valid certificate ("WebHook callback must be HTTPS"); the fake
    // accepts http:// so tests and local demos can receive notifications on a plain loopback server.
    if (address.protocol !== "https:" && address.protocol !== "http:") {
      throw new FakeGoogleError({
        code: 400,
        domain: "push",
        reason: "webhookUrlNotHttps",
        message: `WebHook callback must be HTTPS: ${body.address}`,
      });
    }
    if (
      body.token !== undefined &&
      body.token !== null &&
      (typeof body.token !== "string" || body.token.length > 256)
    ) {
      throw invalid("token", "Channel token must be a string of at most 256 characters.");
    }
    const now = nowMs();
    let requested: number | undefined;
    if (body.expiration !== undefined && body.expiration !== null) {
      requested = Number(body.expiration);
      if (!Number.isFinite(requested) || !/^\d+$/.test(String(body.expiration))) {
        throw invalid("expiration", `Invalid expiration: ${String(body.expiration)}`);
      }
    } else if (isObject(body.params) && body.params.ttl !== undefined) {
      const ttl = Number(body.params.ttl);
      if (!Number.isFinite(ttl)) throw invalid("params.ttl", `Invalid ttl: ${String(body.params.ttl)}`);
      requested = now + ttl * 1000;
    }
    if (requested !== undefined && requested <= now)
      throw invalid("expiration", "Channel expiration must be in the future.");
    liveChannels();
    if (channels.has(body.id)) {
      throw new FakeGoogleError({
        code: 400,
        domain: "global",
        reason: "channelIdNotUnique",
        message: `Channel id ${body.id} not unique`,
      });
    }
    const expiration = Math.min(requested ?? Number.POSITIVE_INFINITY, now + maxChannelTtlMs);
    const ch: ChannelRecord = {
      id: body.id,
      resourceId: cal.resourceId,
      address: body.address,
      expiration,
      calendarId: cal.id,
      account: email,
      calendarKey: cal.key,
      resourceUri: `${baseUrl}/calendar/v3/calendars/${encodeURIComponent(requestedCalendarId)}/events?alt=json`,
      messageNumber: 0,
    };
    if (typeof body.token === "string") ch.token = body.token;
    channels.set(ch.id, ch);
    const answer: calendar_v3.Schema$Channel = {
      kind: "api#channel",
      id: ch.id,
      resourceId: ch.resourceId,
      resourceUri: ch.resourceUri,
      expiration: String(ch.expiration),
    };
    if (ch.token !== undefined) answer.token = ch.token;
    sendJson(ctx, 200, answer);
    deliver(ch, "sync");
  }

  function calendarListEntry(cal: Calendar): calendar_v3.Schema$CalendarListEntry {
    const entry: calendar_v3.Schema$CalendarListEntry = {
      kind: "calendar#calendarListEntry",
      etag: `"${cal.resourceId}"`,
      id: cal.id,
      summary: cal.id,
      timeZone: "UTC",
      colorId: "14",
      backgroundColor: "#9fe1e7",
      foregroundColor: "#000000",
      selected: true,
      accessRole: "owner",
      defaultReminders: [],
    };
    if (cal.id === cal.account) entry.primary = true;
    return entry;
  }

  // ── faults ──

  function takeFault(ctx: Ctx, isCalendar: boolean): FakeGoogleFault | undefined {
    const line = `${ctx.method} ${ctx.path}`;
    const index = faults.findIndex(({ fault }) => {
      if (!fault.match) return isCalendar;
      fault.match.lastIndex = 0;
      return fault.match.test(line);
    });
    const entry = faults[index];
    if (entry) {
      entry.left -= 1;
      if (entry.left <= 0) faults.splice(index, 1);
      return entry.fault;
    }
    if (randomFaults && isCalendar && randomFaults.next() < randomFaults.rate) {
      const kind = randomFaults.kinds[Math.floor(randomFaults.next() * randomFaults.kinds.length)];
      if (kind) return { kind };
    }
    return undefined;
  }

  /** Applies a fault; true when it answered the request. */
  async function applyFault(ctx: Ctx, isCalendar: boolean): Promise<boolean> {
    const fault = takeFault(ctx, isCalendar);
    if (!fault) return false;
    if (fault.kind === "slow") {
      await sleep(fault.slowMs ?? 2000);
      return false;
    }
    const error = FAULTS[fault.kind];
    if (isCalendar || ctx.path.startsWith("/calendar/")) {
      sendApiError(ctx, error);
    } else if (fault.kind === "401") {
      sendOAuthJson(ctx, 401, { error: "invalid_client", error_description: "Unauthorized" });
    } else if (error.code === 403) {
      sendOAuthJson(ctx, 403, { error: "rate_limit_exceeded", error_description: error.message });
    } else {
      // Google's front ends answer 429/5xx on the OAuth endpoints with an HTML page (arctic discards the body).
      sendHtml(ctx, error.code, googleErrorHtml(error.code));
    }
    return true;
  }

  // ── HTTP plumbing ──

  function record(ctx: Ctx, status: number): void {
    const entry: FakeGoogleRequest = { method: ctx.method, path: ctx.path, status };
    if (ctx.account) entry.account = ctx.account;
    requests.push(entry);
  }

  function write(ctx: Ctx, status: number, headers: Record<string, string>, body: string): void {
    record(ctx, status);
    if (ctx.res.headersSent || ctx.res.destroyed) return;
    ctx.res.writeHead(status, headers);
    ctx.res.end(body);
  }

  function sendJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
    write(
      ctx,
      status,
      {
        "content-type": "application/json; charset=UTF-8",
        "cache-control": "private, max-age=0",
        vary: "Origin, X-Origin",
        ...headers,
      },
      JSON.stringify(body),
    );
  }

  function sendOAuthJson(ctx: Ctx, status: number, body: unknown): void {
    write(
      ctx,
      status,
      {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-cache, no-store, max-age=0, must-revalidate",
        pragma: "no-cache",
      },
      JSON.stringify(body),
    );
  }

  function sendEmpty(ctx: Ctx, status: number): void {
    write(ctx, status, {}, "");
  }

  function sendHtml(ctx: Ctx, status: number, html: string): void {
    write(ctx, status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, html);
  }

  function redirect(ctx: Ctx, target: URL): void {
    write(ctx, 302, { location: target.toString(), "cache-control": "no-store" }, "");
  }

  function sendApiError(ctx: Ctx, error: FakeGoogleApiError): void {
    const headers: Record<string, string> = {};
    if (error.code === 401) {
      headers["www-authenticate"] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
    }
    sendJson(ctx, error.code, errorBody(error), headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const ctx: Ctx = { req, res, url, method: req.method ?? "GET", path: url.pathname, body: await readBody(req) };
    const token = bearer(req.headers.authorization);
    const found = token ? tokenInfo(token) : undefined;
    if (found) ctx.account = found.grant.account;
    const isCalendar = ctx.path.startsWith("/calendar/v3/");
    if (await applyFault(ctx, isCalendar)) return;
    try {
      if (isCalendar) return await handleCalendar(ctx);
      switch (ctx.path) {
        case "/o/oauth2/v2/auth":
          if (ctx.method === "GET") return consentPage(ctx);
          break;
        case "/o/oauth2/v2/auth/decision":
          if (ctx.method === "POST") return consentDecision(ctx);
          break;
        case "/token":
          return await handleToken(ctx);
        case "/revoke":
          return handleRevoke(ctx);
        case "/oauth2/v3/userinfo":
        case "/v1/userinfo":
          return handleUserinfo(ctx);
      }
      sendApiError(ctx, notFoundError());
    } catch (error) {
      if (error instanceof FakeGoogleError) return sendApiError(ctx, error.detail);
      if (error instanceof OAuthError) {
        return sendOAuthJson(ctx, error.status, { error: error.error, error_description: error.description });
      }
      throw error;
    }
  }

  const server = createServer((req, res) => {
    const done = handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=UTF-8" });
        res.end(
          JSON.stringify(
            errorBody({
              code: 500,
              domain: "global",
              reason: "backendError",
              message: `Fake Google failed: ${String(error)}`,
            }),
          ),
        );
      }
    });
    const tracked: Promise<void> = done.finally(() => pending.delete(tracked));
    pending.add(tracked);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = !options.host || options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  const baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  // ── the handle ──

  return {
    url: baseUrl,
    authUrl: `${baseUrl}/o/oauth2/v2/auth`,
    tokenUrl: `${baseUrl}/token`,
    revokeUrl: `${baseUrl}/revoke`,
    userinfoUrl: `${baseUrl}/oauth2/v3/userinfo`,
    clientId,
    clientSecret,
    requests,
    get signedInAs() {
      return signedInAs;
    },
    signInAs(email) {
      signedInAs = account(email).email;
    },
    async approve(authorizationUrl, approveOptions = {}) {
      const request = parseAuthorizationUrl(authorizationUrl);
      const granted = approveOptions.grantScopes
        ? request.scopes.filter((s) => approveOptions.grantScopes?.includes(s))
        : request.scopes;
      return issueCode(request, approveOptions.account ?? signedInAs, granted);
    },
    async deny(authorizationUrl) {
      return denyUrl(parseAuthorizationUrl(authorizationUrl));
    },
    events(calendarId, email) {
      const acc = account(email ?? signedInAs);
      const cal = acc.calendars.get(!calendarId || calendarId === "primary" ? acc.email : calendarId);
      if (!cal) return [];
      return [...cal.events.values()]
        .map((rec) => structuredClone(rec.ev))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    createEvent(input, calendarId, email) {
      return structuredClone(insertEvent(helperCalendar(calendarId, email, true), input as unknown as Json));
    },
    updateEvent(id, patch, calendarId, email) {
      const cal = helperCalendar(calendarId, email, false);
      return structuredClone(modifyEvent(cal, id, patch as unknown as Json, "patch", undefined));
    },
    deleteEvent(id, calendarId, email) {
      removeEvent(helperCalendar(calendarId, email, false), id, undefined);
    },
    expireSyncTokens(expireOptions = {}) {
      syncTokens.clear();
      if (expireOptions.forgetDeleted) forgetDeleted();
    },
    expireAccessTokens() {
      for (const info of accessTokens.values()) info.expired = true;
    },
    revokeAccess(email) {
      const target = email?.toLowerCase();
      for (const grant of grants.values()) if (target === undefined || grant.account === target) revokeGrant(grant);
    },
    fail(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    faultRate(rate, kinds, seed = 1) {
      randomFaults = rate > 0 && kinds.length > 0 ? { rate, kinds: [...kinds], next: mulberry32(seed) } : null;
    },
    get queuedFaults() {
      return faults.reduce((sum, entry) => sum + entry.left, 0);
    },
    get channels() {
      return liveChannels().map((ch) => {
        const out: FakeGoogleChannel = {
          id: ch.id,
          resourceId: ch.resourceId,
          address: ch.address,
          expiration: ch.expiration,
          calendarId: ch.calendarId,
          account: ch.account,
        };
        if (ch.token !== undefined) out.token = ch.token;
        return out;
      });
    },
    notifications,
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    resetCounters() {
      requests.length = 0;
      notifications.length = 0;
      faults.length = 0;
      randomFaults = null;
      quotaWindows.clear();
    },
    close() {
      shutdown.abort();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

// ───────────────────────────── routing ─────────────────────────────

type CalendarRoute =
  | { name: "channels.stop" }
  | { name: "calendarList.list" }
  | {
      name: "calendarList.get" | "calendars.get" | "events.list" | "events.insert" | "events.watch";
      calendarId: string;
    }
  | {
      name: "events.get" | "events.patch" | "events.update" | "events.delete" | "events.instances";
      calendarId: string;
      eventId: string;
    };

function matchCalendarRoute(method: string, s: string[]): CalendarRoute | undefined {
  const [a, b, c, d, e] = s;
  if (s.length === 2 && a === "channels" && b === "stop" && method === "POST") return { name: "channels.stop" };
  if (a === "users" && b === "me" && c === "calendarList" && method === "GET") {
    if (s.length === 3) return { name: "calendarList.list" };
    if (s.length === 4 && d) return { name: "calendarList.get", calendarId: d };
  }
  if (a !== "calendars" || !b) return undefined;
  if (s.length === 2 && method === "GET") return { name: "calendars.get", calendarId: b };
  if (c !== "events") return undefined;
  if (s.length === 3) {
    if (method === "GET") return { name: "events.list", calendarId: b };
    if (method === "POST") return { name: "events.insert", calendarId: b };
    return undefined;
  }
  if (!d) return undefined;
  if (s.length === 4 && d === "watch" && method === "POST") return { name: "events.watch", calendarId: b };
  if (s.length === 4) {
    const name = ({ GET: "events.get", PATCH: "events.patch", PUT: "events.update", DELETE: "events.delete" } as const)[
      method as "GET" | "PATCH" | "PUT" | "DELETE"
    ];
    return name ? { name, calendarId: b, eventId: d } : undefined;
  }
  if (s.length === 5 && e === "instances" && method === "GET") {
    return { name: "events.instances", calendarId: b, eventId: d };
  }
  return undefined;
}

// ───────────────────────────── events.list parameters ─────────────────────────────

function parseListParams(q: URLSearchParams): ListParams {
  const syncToken = q.get("syncToken") ?? undefined;
  if (syncToken !== undefined) {
    for (const name of [
      "iCalUID",
      "orderBy",
      "privateExtendedProperty",
      "q",
      "sharedExtendedProperty",
      "timeMin",
      "timeMax",
      "updatedMin",
    ]) {
      if (q.has(name)) {
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
  }
  const singleEvents = parseBool(q, "singleEvents") ?? false;
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
  const timeMin = parseTime(q, "timeMin");
  const timeMax = parseTime(q, "timeMax");
  if (timeMin !== undefined && timeMax !== undefined && timeMin >= timeMax) throw new FakeGoogleError(timeRangeEmpty());
  const props = (name: string): [string, string][] =>
    q.getAll(name).map((pair) => {
      const at = pair.indexOf("=");
      if (at <= 0) throw new FakeGoogleError(invalidValue(name));
      return [pair.slice(0, at), pair.slice(at + 1)];
    });
  const params: ListParams = {
    singleEvents,
    showDeleted: parseBool(q, "showDeleted") ?? false,
    privateProps: props("privateExtendedProperty"),
    sharedProps: props("sharedExtendedProperty"),
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

function parseMaxResults(value: string | null): number {
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

function parseBool(q: URLSearchParams, name: string): boolean | undefined {
  const value = q.get(name);
  if (value === null) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new FakeGoogleError(invalidValue(name));
}

/** RFC3339 with a mandatory offset; milliseconds are ignored. */
function parseTime(q: URLSearchParams, name: string): number | undefined {
  const value = q.get(name);
  if (value === null) return undefined;
  const m = RFC3339.exec(value);
  if (!m?.[7]) throw new FakeGoogleError({ code: 400, domain: "global", reason: "badRequest", message: "Bad Request" });
  const ms = Date.parse(value.replace(/\.\d+/, ""));
  if (Number.isNaN(ms))
    throw new FakeGoogleError({ code: 400, domain: "global", reason: "badRequest", message: "Bad Request" });
  return ms;
}

function parseTimeZoneParam(q: URLSearchParams): string | undefined {
  const value = q.get("timeZone");
  if (!value) return undefined;
  if (!isTimeZone(value)) throw new FakeGoogleError(invalidValue("timeZone"));
  return value;
}

function encodePageToken(id: string, offset: number): string {
  return Buffer.from(`${id}:${offset}`).toString("base64url");
}

function decodePageToken(token: string): { id: string; offset: number } | undefined {
  const match = /^([A-Za-z0-9_-]+):(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match?.[1] && match[2] ? { id: match[1], offset: Number(match[2]) } : undefined;
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

// ───────────────────────────── event validation ─────────────────────────────

function pickWritable(source: Json): Json {
  const out: Json = {};
  for (const key of WRITABLE_KEYS) if (key in source && source[key] !== undefined) out[key] = source[key];
  return out;
}

/** The fields that are not writable and survive an update. */
function identity(ev: FakeGoogleEvent): FakeGoogleEvent {
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
function validateEvent(body: Json, { isException }: { isException: boolean }): Json {
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
  out.start = start.value;
  out.end = end.value;
  if (recurring) {
    parseRecurrence(recurrence as string[], start.value.timeZone ?? "UTC", start.allDay);
    out.recurrence = [...(recurrence as string[])];
  }
  if (body.extendedProperties !== undefined && body.extendedProperties !== null) {
    const ext = body.extendedProperties;
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
    if (clean.private || clean.shared) out.extendedProperties = clean;
  }
  for (const key of ["attendees", "reminders", "source"] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (key === "attendees" ? !Array.isArray(value) : !isObject(value)) throw new FakeGoogleError(invalidField(key));
    out[key] = structuredClone(value);
  }
  return out;
}

function normalizeTime(
  value: unknown,
  which: "start" | "end",
  recurring: boolean,
): { value: FakeGoogleEventDateTime; ms: number; allDay: boolean } {
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
  if (hasDate) {
    const m = typeof date === "string" ? DATE_ONLY.exec(date) : null;
    if (!m) throw invalid();
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (new Date(ms).toISOString().slice(0, 10) !== date) throw invalid();
    const out: FakeGoogleEventDateTime = { date: date as string };
    if (tz) out.timeZone = tz;
    return { value: out, ms, allDay: true };
  }
  const m = typeof dateTime === "string" ? RFC3339.exec(dateTime) : null;
  if (!m) throw invalid();
  // A dateTime needs an offset unless timeZone says where it is; a series needs timeZone to expand in.
  if ((!m[7] && !tz) || (recurring && which === "start" && !tz)) {
    throw new FakeGoogleError({
      code: 400,
      domain: "global",
      reason: "required",
      message: `Missing time zone definition for ${which} time.`,
    });
  }
  const parts = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  let ms: number;
  if (m[7]) {
    ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}${m[7].toUpperCase()}`);
  } else {
    ms = zonedToUtc(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], tz as string);
  }
  if (Number.isNaN(ms)) throw invalid();
  const out: FakeGoogleEventDateTime = { dateTime: isoSeconds(ms) };
  if (tz) out.timeZone = tz;
  return { value: out, ms, allDay: false };
}

// ───────────────────────────── recurrence ─────────────────────────────

interface ByDay {
  n?: number;
  wd: number;
}

interface Rule {
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

interface Recurrence {
  rule: Rule;
  exMs: Set<number>;
  exDates: Set<string>;
}

interface Occurrence {
  startMs: number;
  endMs: number;
  start: FakeGoogleEventDateTime;
  end: FakeGoogleEventDateTime;
  suffix: string;
}

const WEEKDAYS: Record<string, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };

function parseRecurrence(lines: string[], tz: string, allDay: boolean): Recurrence {
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
  for (const [k, v] of parts) {
    switch (k) {
      case "FREQ":
        break;
      case "INTERVAL":
        rule.interval = positiveInt(v);
        break;
      case "COUNT":
        rule.count = positiveInt(v);
        break;
      case "UNTIL": {
        const parsed = parseIcalTime(v, tz);
        if (!parsed) throw new FakeGoogleError(invalidRecurrence());
        if (allDay) rule.untilDate = parsed.date ?? new Date(parsed.ms as number).toISOString().slice(0, 10);
        else rule.untilMs = parsed.ms ?? zonedToUtcDate(parsed.date as string, tz, true);
        break;
      }
      case "BYDAY":
        rule.byDay = v.split(",").map((item) => {
          const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(item);
          if (!m?.[2]) throw new FakeGoogleError(invalidRecurrence());
          const day: ByDay = { wd: WEEKDAYS[m[2]] as number };
          if (m[1]) day.n = Number(m[1]);
          return day;
        });
        break;
      case "BYMONTHDAY":
        rule.byMonthDay = v.split(",").map((n) => {
          const d = Number(n);
          if (!Number.isInteger(d) || d === 0 || Math.abs(d) > 31) throw new FakeGoogleError(invalidRecurrence());
          return d;
        });
        break;
      case "BYMONTH":
        rule.byMonth = v.split(",").map((n) => {
          const mo = Number(n);
          if (!Number.isInteger(mo) || mo < 1 || mo > 12) throw new FakeGoogleError(invalidRecurrence());
          return mo;
        });
        break;
      case "WKST": {
        const wd = WEEKDAYS[v];
        if (wd === undefined) throw new FakeGoogleError(invalidRecurrence());
        rule.wkst = wd;
        break;
      }
      default:
        throw new FakeGoogleError(invalidRecurrence(`(fake) unsupported recurrence part ${k}`));
    }
  }
  if (rule.count !== undefined && (rule.untilMs !== undefined || rule.untilDate !== undefined)) {
    throw new FakeGoogleError(invalidRecurrence());
  }
  if (rule.byDay?.some((d) => d.n !== undefined) && (rule.freq === "DAILY" || rule.freq === "WEEKLY")) {
    throw new FakeGoogleError(invalidRecurrence());
  }
  if (rule.freq === "YEARLY" && rule.byDay && !rule.byMonth) {
    throw new FakeGoogleError(invalidRecurrence("(fake) YEARLY with BYDAY needs BYMONTH"));
  }
  return rule;
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

/**
 * How far a series is expanded when the query sets no timeMax: a rule with COUNT or UNTIL to its end (callers stop
 * at INSTANCE_CAP instances), an endless one for two years past its start or now, whichever is later.
 */
function defaultHorizon(master: FakeGoogleEvent, now: number): number {
  const finite = (master.recurrence ?? []).some((line) => /^RRULE:.*\b(COUNT|UNTIL)=/i.test(line.trim()));
  return finite ? Number.POSITIVE_INFINITY : Math.max(startMsOf(master), now) + UNBOUNDED_HORIZON_MS;
}

function startMsOf(ev: FakeGoogleEvent): number {
  return timeMs(ev.start);
}

function timeMs(t: FakeGoogleEventDateTime | undefined): number {
  if (!t) return 0;
  if (t.dateTime) return Date.parse(t.dateTime);
  if (t.date) return Date.parse(`${t.date}T00:00:00Z`);
  return 0;
}

function overlaps(ev: FakeGoogleEvent, min: number | undefined, max: number | undefined): boolean {
  if (min !== undefined && timeMs(ev.end) <= min) return false;
  if (max !== undefined && timeMs(ev.start) >= max) return false;
  return true;
}

function seriesOverlaps(master: FakeGoogleEvent, min: number | undefined, max: number | undefined): boolean {
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
function* expand(master: FakeGoogleEvent, horizonMs: number): Generator<Occurrence> {
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
    const occEnd = occStart + durationMs;
    if (allDay) {
      yield {
        startMs: occStart,
        endMs: occEnd,
        start: { date },
        end: { date: dateString(day + Math.round(durationMs / DAY)) },
        suffix: date.replaceAll("-", ""),
      };
    } else {
      const start: FakeGoogleEventDateTime = { dateTime: isoSeconds(occStart) };
      if (master.start?.timeZone) start.timeZone = master.start.timeZone;
      const end: FakeGoogleEventDateTime = { dateTime: isoSeconds(occEnd) };
      if (master.end?.timeZone) end.timeZone = master.end.timeZone;
      yield {
        startMs: occStart,
        endMs: occEnd,
        start,
        end,
        suffix: isoSeconds(occStart).replace(/[-:]/g, ""),
      };
    }
  }
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
      for (const y of years) for (const mo of rule.byMonth ?? [wall.mo]) months.push({ y, mo });
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

function findOccurrence(master: FakeGoogleEvent, suffix: string): Occurrence | undefined {
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

function instanceOf(master: FakeGoogleEvent, occ: Occurrence): FakeGoogleEvent {
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

function instanceEntries(master: FakeGoogleEvent, now: number): [string, FakeGoogleEventDateTime][] {
  const out: [string, FakeGoogleEventDateTime][] = [];
  for (const occ of expand(master, defaultHorizon(master, now))) {
    out.push([`${master.id}_${occ.suffix}`, occ.start]);
    if (out.length >= INSTANCE_CAP) break;
  }
  return out;
}

function instanceIds(master: FakeGoogleEvent, now: number): string[] {
  return instanceEntries(master, now).map(([id]) => id);
}

// ───────────────────────────── presentation ─────────────────────────────

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
function present(ev: FakeGoogleEvent, stub: boolean, timeZone: string | undefined): calendar_v3.Schema$Event {
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

// ───────────────────────────── time zones ─────────────────────────────

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

function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function findTimeZone(tz: string): string {
  return isTimeZone(tz) ? tz : "UTC";
}

function wallParts(ms: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
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

function zonedToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  if (tz === "UTC") return guess;
  const first = guess - offsetMs(guess, tz);
  const second = guess - offsetMs(first, tz);
  return second;
}

function zonedToUtcDate(date: string, tz: string, endOfDay: boolean): number {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  return endOfDay ? zonedToUtc(y, mo, d, 23, 59, 59, tz) : zonedToUtc(y, mo, d, 0, 0, 0, tz);
}

function wallDate(ms: number, tz: string): string {
  const w = wallParts(ms, tz);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}`;
}

function formatInZone(ms: number, tz: string): string {
  const offset = offsetMs(ms, tz);
  if (offset === 0) return isoSeconds(ms);
  const w = wallParts(ms, tz);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset) / 60_000;
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function dayNumber(y: number, mo: number, d: number): number {
  return Date.UTC(y, mo - 1, d) / DAY;
}

function ymd(day: number): { y: number; mo: number; d: number } {
  const dt = new Date(day * DAY);
  return { y: dt.getUTCFullYear(), mo: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

function dateString(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

function weekday(day: number): number {
  return new Date(day * DAY).getUTCDay();
}

function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

// ───────────────────────────── errors ─────────────────────────────

function errorBody(e: FakeGoogleApiError): Json {
  const item: Json = { message: e.message, domain: e.domain, reason: e.reason };
  if (e.location !== undefined) {
    item.location = e.location;
    item.locationType = e.locationType ?? "parameter";
  }
  const body: Json = { code: e.code, message: e.topMessage ?? e.message, errors: [item] };
  const status = HTTP_STATUS_NAMES[e.code];
  if (status) body.status = status;
  return { error: body };
}

function invalidCredentials(): FakeGoogleApiError {
  return {
    code: 401,
    domain: "global",
    reason: "authError",
    message: "Invalid Credentials",
    locationType: "header",
    location: "Authorization",
    topMessage:
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
  };
}

function notFoundError(): FakeGoogleApiError {
  return { code: 404, domain: "global", reason: "notFound", message: "Not Found" };
}

function invalidValue(location: string): FakeGoogleApiError {
  return {
    code: 400,
    domain: "global",
    reason: "invalid",
    message: "Invalid Value",
    locationType: "parameter",
    location,
  };
}

function invalidField(field: string): FakeGoogleApiError {
  return { code: 400, domain: "global", reason: "invalid", message: `Invalid value for: ${field}` };
}

function invalidRecurrence(detail?: string): FakeGoogleApiError {
  return {
    code: 400,
    domain: "global",
    reason: "invalid",
    message: detail ? `Invalid recurrence rule. ${detail}` : "Invalid recurrence rule.",
  };
}

function timeRangeEmpty(asParameter = true): FakeGoogleApiError {
  const error: FakeGoogleApiError = {
    code: 400,
    domain: "calendar",
    reason: "timeRangeEmpty",
    message: "The specified time range is empty.",
  };
  if (asParameter) {
    error.locationType = "parameter";
    error.location = "timeMax";
  }
  return error;
}

// ───────────────────────────── small helpers ─────────────────────────────

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** JSON merge patch (RFC 7396), which is how Google's PATCH treats nested objects: null deletes, arrays replace. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value)) out[key] = mergePatch(out[key], value);
    else out[key] = value;
  }
  return out;
}

function isKnownScope(scope: string): boolean {
  return (
    scope === "openid" ||
    scope === "email" ||
    scope === "profile" ||
    /^https:\/\/www\.googleapis\.com\/auth\/[a-z0-9._-]+$/i.test(scope)
  );
}

function normalizeScopes(scopes: string[]): string[] {
  return [...new Set(scopes.map((s) => SCOPE_ALIASES[s] ?? s))];
}

function randomEventId(): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuv";
  return [...randomBytes(26)].map((b) => alphabet[b & 31]).join("");
}

function htmlLink(id: string, calendarId: string): string {
  return `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${calendarId}`).toString("base64url")}`;
}

function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1 wants both parts form-urlencoded first; arctic and google-auth-library send them raw.
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function header(ctx: Ctx, name: string): string | undefined {
  const value = ctx.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function formParams(ctx: Ctx): URLSearchParams {
  const type = header(ctx, "content-type") ?? "";
  if (type.includes("application/json")) {
    try {
      const parsed = JSON.parse(ctx.body) as unknown;
      if (isObject(parsed)) {
        return new URLSearchParams(Object.entries(parsed).map(([k, v]) => [k, String(v)]) as [string, string][]);
      }
    } catch {
      // fall through: treated as empty
    }
    return new URLSearchParams();
  }
  return new URLSearchParams(ctx.body);
}

function jsonBody(ctx: Ctx): Json {
  if (ctx.body.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.body);
  } catch {
    throw new FakeGoogleError({ code: 400, domain: "global", reason: "parseError", message: "Parse Error" });
  }
  if (!isObject(parsed)) {
    throw new FakeGoogleError({ code: 400, domain: "global", reason: "parseError", message: "Parse Error" });
  }
  return parsed;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    const done = () => resolve(Buffer.concat(chunks).toString("utf8"));
    req.on("end", done);
    req.on("close", done);
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A small deterministic PRNG (mulberry32) for faultRate. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ───────────────────────────── HTML ─────────────────────────────

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

const PAGE_STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f1f3f4; margin: 0; color: #202124; }
  main { max-width: 440px; margin: 48px auto; background: #fff; border: 1px solid #dadce0; border-radius: 8px; padding: 32px 36px; }
  .brand { font-weight: 600; color: #5f6368; margin: 0 0 16px; }
  h1 { font-size: 22px; font-weight: 400; margin: 0 0 12px; }
  p { line-height: 1.5; }
  code { font-size: 12px; color: #5f6368; word-break: break-all; }
  fieldset { border: none; padding: 0; margin: 16px 0; }
  legend { font-weight: 500; margin-bottom: 8px; }
  label.scope { display: flex; gap: 10px; align-items: flex-start; padding: 8px 0; border-top: 1px solid #eee; }
  details { margin: 12px 0; color: #5f6368; }
  input[type=email] { width: 100%; padding: 6px; box-sizing: border-box; margin-top: 6px; }
  .actions { display: flex; flex-direction: row-reverse; justify-content: flex-start; gap: 12px; margin-top: 24px; }
  button { font: inherit; padding: 8px 22px; border-radius: 4px; border: 1px solid #dadce0; background: #fff; color: #1a73e8; cursor: pointer; }
  button.primary { background: #1a73e8; color: #fff; border-color: #1a73e8; }
  .error h1 { color: #d93025; }
`;

function consentHtml(consentId: string, request: AuthRequest, email: string): string {
  const scopes = request.scopes
    .map((s) => {
      const description = SCOPE_DESCRIPTIONS[SCOPE_ALIASES[s] ?? s] ?? s;
      return `<label class="scope"><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked><span>${escapeHtml(description)}<br><code>${escapeHtml(s)}</code></span></label>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - Fake Google Accounts</title><style>${PAGE_STYLE}</style></head>
<body><main>
<p class="brand">Fake Google</p>
<h1>Allow access to your Google Account</h1>
<p><strong data-testid="client-id">${escapeHtml(request.clientId)}</strong> wants to access your Google Account</p>
<p>Signed in as <strong data-testid="account">${escapeHtml(email)}</strong></p>
<form method="post" action="/o/oauth2/v2/auth/decision">
<input type="hidden" name="consent" value="${escapeHtml(consentId)}">
<fieldset><legend>This will allow the app to:</legend>
${scopes}
</fieldset>
<details><summary>Use another account</summary><label>Account email<input type="email" name="account" value="${escapeHtml(email)}"></label></details>
<div class="actions"><button type="submit" name="decision" value="allow" class="primary">Allow</button><button type="submit" name="decision" value="deny">Deny</button></div>
</form>
</main></body></html>`;
}

function errorPage(error: AuthRequestError): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error ${error.status}: ${escapeHtml(error.error)}</title><style>${PAGE_STYLE}</style></head>
<body><main class="error">
<p class="brand">Fake Google</p>
<h1>Access blocked: Authorization Error</h1>
<p><strong>Error ${error.status}: ${escapeHtml(error.error)}</strong></p>
<p data-testid="error-description">${escapeHtml(error.description)}</p>
</main></body></html>`;
}

function googleErrorHtml(status: number): string {
  const title = status === 429 ? "Too Many Requests" : status === 503 ? "Service Unavailable" : "Server Error";
  return `<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error ${status} (${title})!!1</title><p><b>${status}.</b> <ins>That's an error.</ins><p>The server encountered an error. Please try again later. <ins>That's all we know.</ins>`;
}
