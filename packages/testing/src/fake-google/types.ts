/** The public types of the fake Google: options, stored events, faults, channels and the handle tests drive. */
import type { calendar_v3 } from "googleapis";

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
