/** What the outside world provides to the domain. Tests pass fakes; apps pass the real thing. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand, so expiries and reminders are tested without sleeping. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: Date | string = "2026-01-15T12:00:00Z") {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(to: Date | string): void {
    this.#now = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** An email to send; `id` is our email_messages id and the provider's idempotency key. */
export interface OutgoingEmail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: string; contentType: string }[];
  tags?: { name: string; value: string }[];
}

export type SendResult =
  /** providerId is null when the provider had already accepted this message (idempotency key reused). */
  | { ok: true; providerId: string | null }
  | { ok: false; retryable: boolean; reason: string; retryAfterSeconds?: number };

/** Resend when configured, else the outbox (the database and the log). */
export interface Mailer {
  readonly kind: "resend" | "outbox";
  send(email: OutgoingEmail): Promise<SendResult>;
}

/** A start or end as a calendar provider speaks it: a timed instant or an all-day date. */
export interface ProviderEventTime {
  /** RFC3339 with an offset. */
  dateTime?: string;
  /** yyyy-mm-dd for all-day events (the end date is exclusive). */
  date?: string;
  timeZone?: string;
}

/** An event as read from the provider. Deleted events are guaranteed only `id` and `status`. */
export interface ProviderEvent {
  id: string;
  status: "confirmed" | "tentative" | "cancelled";
  summary?: string;
  description?: string;
  location?: string;
  start?: ProviderEventTime;
  end?: ProviderEventTime;
  /** The provider's last-modified time. */
  updated?: Date;
  etag?: string;
  /** Our own keys (e.g. crmBookingId), from extendedProperties.private. */
  privateProperties?: Record<string, string>;
  recurringEventId?: string;
  /**
   * Shown as "Free" in Google: marked transparent, or a kind of event that never holds time (a working
   * location, a birthday). It must not become a busy block that refuses bookings.
   */
  free?: boolean;
}

/** What we write to the provider for a booking. */
export interface ProviderEventWrite {
  summary: string;
  description?: string | null;
  location?: string | null;
  start: ProviderEventTime;
  end: ProviderEventTime;
  status: "confirmed" | "tentative";
  privateProperties: Record<string, string>;
}

export interface ProviderEventPage {
  items: ProviderEvent[];
  nextPageToken?: string;
  nextSyncToken?: string;
  /** The calendar's name (the account email for a primary calendar). */
  calendarSummary?: string;
}

export interface ProviderListQuery {
  syncToken?: string;
  pageToken?: string;
  /** Only for a full sync (the provider refuses them with a sync token). */
  timeMin?: Date;
  timeMax?: Date;
  maxResults?: number;
}

/** One calendar account's API, authorised by an access token. */
export interface CalendarApi {
  listEvents(calendarId: string, query: ProviderListQuery): Promise<ProviderEventPage>;
  getEvent(calendarId: string, eventId: string): Promise<ProviderEvent>;
  /** `id` is ours (deterministic), so a retried insert answers `duplicate` instead of duplicating. */
  insertEvent(calendarId: string, id: string, event: ProviderEventWrite): Promise<ProviderEvent>;
  /** With `etag`, refused with `precondition_failed` when the event changed since. */
  patchEvent(calendarId: string, eventId: string, event: ProviderEventWrite, etag?: string): Promise<ProviderEvent>;
  deleteEvent(calendarId: string, eventId: string): Promise<void>;
  watch(
    calendarId: string,
    channel: { id: string; token: string; address: string; expiration: Date },
  ): Promise<{ resourceId: string; expiration: Date }>;
  stopChannel(channelId: string, resourceId: string): Promise<void>;
}

export interface ProviderTokens {
  accessToken: string;
  /** Present on the first exchange (offline access) and when the provider rotates it. */
  refreshToken: string | null;
  /** Seconds from now (the caller's clock turns it into an instant). */
  expiresInSeconds: number;
  scopes: string[];
}

/** Google Calendar, as core needs it (implemented with arctic + googleapis in packages/integrations). */
export interface CalendarProvider {
  /** The consent URL: PKCE S256, state, offline access, consent prompt, the events scope only. */
  authorizationUrl(state: string, codeVerifier: string): URL;
  exchangeCode(code: string, codeVerifier: string): Promise<ProviderTokens>;
  refresh(refreshToken: string): Promise<ProviderTokens>;
  revoke(token: string): Promise<void>;
  api(accessToken: string): CalendarApi;
  /** The scope we ask for and need granted. */
  readonly requiredScope: string;
}

/**
 * A provider failure, normalised (packages/integrations maps HTTP and OAuth errors onto these).
 * - unauthorized: 401, the access token is no good (refresh and retry once)
 * - invalid_grant: the refresh token was revoked or expired (reconnect needed)
 * - rate_limited: 403 rateLimitExceeded/userRateLimitExceeded or 429 (back off and retry)
 * - quota_exceeded: 403 quotaExceeded (pause until the quota window passes)
 * - sync_token_expired: 410 fullSyncRequired (full sync)
 * - gone: 410 deleted; not_found: 404; precondition_failed: 412; duplicate: 409
 * - unavailable: 5xx, timeouts, network errors (retry)
 * - rejected: any other 4xx (a bug or bad data: not retried)
 */
export type CalendarErrorKind =
  | "unauthorized"
  | "invalid_grant"
  | "rate_limited"
  | "quota_exceeded"
  | "sync_token_expired"
  | "gone"
  | "not_found"
  | "precondition_failed"
  | "duplicate"
  | "unavailable"
  | "rejected";

export class CalendarProviderError extends Error {
  readonly kind: CalendarErrorKind;
  readonly status: number | undefined;
  constructor(kind: CalendarErrorKind, message: string, status?: number) {
    super(message);
    this.name = "CalendarProviderError";
    this.kind = kind;
    this.status = status;
  }
}

export function isCalendarProviderError(error: unknown): error is CalendarProviderError {
  return error instanceof CalendarProviderError;
}

/** Writes a backup of the whole database and prunes the expired ones (the nightly backup job). */
export interface BackupService {
  run(now: Date): Promise<{ file: string; bytes: number; pruned: string[] }>;
}
