/**
 * The fake's store: accounts and their calendars and events, OAuth grants and tokens, sync and page snapshots,
 * watch channels, and the counters tests read. Every handler takes this one object.
 */
import { randomBytes, randomInt } from "node:crypto";
import type { calendar_v3 } from "googleapis";
import { FakeGoogleError, notFoundError } from "./errors";
import type {
  FakeGoogleChannel,
  FakeGoogleEvent,
  FakeGoogleEventDateTime,
  FakeGoogleFault,
  FakeGoogleFaultKind,
  FakeGoogleNotification,
  FakeGoogleOptions,
  FakeGoogleRequest,
} from "./types";
import type { Json } from "./util";

export interface EventRecord {
  ev: FakeGoogleEvent;
  /** Position in the change log (strictly increasing across the fake, independent of the clock). */
  seq: number;
}

/** An instance that a change of its series' start or rule removed: reported as cancelled in incremental syncs. */
export interface Ghost {
  id: string;
  recurringEventId: string;
  originalStartTime: FakeGoogleEventDateTime;
  etag: string;
  seq: number;
}

export interface Calendar {
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

export interface Account {
  email: string;
  sub: string;
  calendars: Map<string, Calendar>;
}

export interface Grant {
  id: string;
  account: string;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

export interface AccessToken {
  grantId: string;
  scopes: string[];
  expiresAt: number;
  expired: boolean;
}

export interface RefreshToken {
  grantId: string;
  active: boolean;
}

export interface AuthRequest {
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

export interface AuthCode {
  request: AuthRequest;
  account: string;
  scopes: string[];
  issueRefreshToken: boolean;
  expiresAt: number;
  used: boolean;
  grantId?: string;
}

export interface ChannelRecord extends FakeGoogleChannel {
  calendarKey: string;
  resourceUri: string;
  messageNumber: number;
}

export interface Snapshot {
  calendarKey: string;
  account: string;
  items: calendar_v3.Schema$Event[];
  /** Change-log position the snapshot reflects: the sync token of its last page starts from here. */
  seq: number;
  /** false for events.instances (no sync token). */
  syncable: boolean;
  collection: Json;
}

export interface FakeGoogleConfig {
  clientId: string;
  clientSecret: string;
  accessTtlSeconds: number;
  maxChannelTtlMs: number;
  retryDelaysMs: number[];
  rotateRefreshTokens: boolean;
  userQuotaPerMinute?: number;
  redirectUris?: string[];
}

export interface FakeGoogleState {
  readonly config: FakeGoogleConfig;
  readonly nowMs: () => number;
  /** Set once the server listens: "http://127.0.0.1:PORT". */
  baseUrl: string;
  readonly accounts: Map<string, Account>;
  signedInAs: string;
  changeSeq: number;
  lastEtag: number;
  readonly grants: Map<string, Grant>;
  readonly accessTokens: Map<string, AccessToken>;
  readonly refreshTokens: Map<string, RefreshToken>;
  readonly codes: Map<string, AuthCode>;
  readonly pendingConsents: Map<string, { request: AuthRequest; expiresAt: number }>;
  /** Per account+client: scopes consented before and whether offline access was granted (refresh token issued). */
  readonly consents: Map<string, { scopes: Set<string>; offline: boolean }>;
  readonly syncTokens: Map<string, { calendarKey: string; seq: number }>;
  readonly snapshots: Map<string, Snapshot>;
  readonly channels: Map<string, ChannelRecord>;
  readonly notifications: FakeGoogleNotification[];
  readonly requests: FakeGoogleRequest[];
  readonly faults: { fault: FakeGoogleFault; left: number }[];
  randomFaults: { rate: number; kinds: FakeGoogleFaultKind[]; next: () => number } | null;
  readonly quotaWindows: Map<string, number[]>;
  /** Requests being answered and push notifications being delivered: settled() and close() wait for them. */
  readonly pending: Set<Promise<void>>;
  readonly shutdown: AbortController;
}

export function createState(options: FakeGoogleOptions): FakeGoogleState {
  const clock = options.clock ?? { now: () => new Date() };
  const config: FakeGoogleConfig = {
    clientId: options.clientId ?? "fake-client-id.apps.googleusercontent.com",
    clientSecret: options.clientSecret ?? "fake-client-secret",
    accessTtlSeconds: options.accessTokenTtlSeconds ?? 3599,
    maxChannelTtlMs: (options.maxChannelTtlSeconds ?? 7 * 24 * 3600) * 1000,
    retryDelaysMs: options.notificationRetryDelaysMs ?? [200, 1000],
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
  };
  if (options.userQuotaPerMinute !== undefined) config.userQuotaPerMinute = options.userQuotaPerMinute;
  if (options.redirectUris) config.redirectUris = options.redirectUris;
  return {
    config,
    nowMs: () => clock.now().getTime(),
    baseUrl: "",
    accounts: new Map(),
    signedInAs: "coach@example.com",
    changeSeq: 0,
    lastEtag: 0,
    grants: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    codes: new Map(),
    pendingConsents: new Map(),
    consents: new Map(),
    syncTokens: new Map(),
    snapshots: new Map(),
    channels: new Map(),
    notifications: [],
    requests: [],
    faults: [],
    randomFaults: null,
    quotaWindows: new Map(),
    pending: new Set(),
    shutdown: new AbortController(),
  };
}

/** Runs `work` as pending until it settles, so settled() and close() can wait for it. */
export function track(s: FakeGoogleState, work: Promise<void>): void {
  const tracked: Promise<void> = work.finally(() => s.pending.delete(tracked));
  s.pending.add(tracked);
}

/** The account for an email, created on first use with a primary calendar whose id is the email. */
export function account(s: FakeGoogleState, email: string): Account {
  const key = email.toLowerCase();
  let acc = s.accounts.get(key);
  if (!acc) {
    acc = { email: key, sub: `1${String(randomInt(1, 2 ** 47)).padStart(20, "0")}`, calendars: new Map() };
    s.accounts.set(key, acc);
    addCalendar(s, acc, key);
  }
  return acc;
}

function addCalendar(s: FakeGoogleState, acc: Account, id: string): Calendar {
  const cal: Calendar = {
    key: `${acc.email}\n${id}`,
    id,
    account: acc.email,
    resourceId: randomBytes(15).toString("base64url").replace(/[-_]/g, "x"),
    created: nowIso(s),
    events: new Map(),
    ghosts: new Map(),
    forgotten: new Set(),
  };
  acc.calendars.set(id, cal);
  return cal;
}

export function findCalendar(s: FakeGoogleState, email: string, calendarId: string): Calendar | undefined {
  const acc = account(s, email);
  return acc.calendars.get(calendarId === "primary" ? acc.email : calendarId);
}

/** The calendar a test helper means (default: the signed-in account's primary); `create` adds a missing one. */
export function helperCalendar(
  s: FakeGoogleState,
  calendarId: string | undefined,
  email: string | undefined,
  create: boolean,
): Calendar {
  const acc = account(s, email ?? s.signedInAs);
  const id = !calendarId || calendarId === "primary" ? acc.email : calendarId;
  const cal = acc.calendars.get(id) ?? (create ? addCalendar(s, acc, id) : undefined);
  if (!cal) throw new FakeGoogleError(notFoundError());
  return cal;
}

/** Etags increase with the clock and never repeat, even within one millisecond. */
export function newEtag(s: FakeGoogleState): string {
  s.lastEtag = Math.max(s.lastEtag + 1, s.nowMs() * 1000);
  return `"${s.lastEtag}"`;
}

export function nowIso(s: FakeGoogleState): string {
  return new Date(s.nowMs()).toISOString();
}
