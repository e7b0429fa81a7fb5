/**
 * Google Calendar behind core's CalendarProvider port: OAuth with arctic's generic OAuth2Client
 * (its Google class hard-codes Google's endpoints; this one takes configurable URLs, so tests and
 * demos point it at the fake in packages/testing) and the Calendar API with googleapis.
 * Every Google failure is normalised to a CalendarProviderError kind here.
 */
import {
  type CalendarApi,
  type CalendarProvider,
  CalendarProviderError,
  type ProviderEvent,
  type ProviderEventPage,
  type ProviderEventTime,
  type ProviderEventWrite,
  type ProviderTokens,
} from "@crm/core";
import {
  ArcticFetchError,
  CodeChallengeMethod,
  OAuth2Client,
  OAuth2RequestError,
  type OAuth2Tokens,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from "arctic";
import { type calendar_v3, google } from "googleapis";
import { z } from "zod";

export const GOOGLE_CALENDAR_EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events";

export const googleDefaults = {
  authUrl: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenUrl: "https://oauth2.googleapis.com/token",
  revokeUrl: "https://oauth2.googleapis.com/revoke",
  apiUrl: "https://www.googleapis.com/",
};

export interface GoogleProviderConfig {
  clientId: string;
  clientSecret: string;
  /** APP_URL + /auth/google/callback */
  redirectUri: string;
  authUrl?: string;
  tokenUrl?: string;
  revokeUrl?: string;
  /** googleapis' rootUrl; only its origin counts (googleapis rebuilds the path). */
  apiUrl?: string;
  /** Per-request timeout (ms); a timeout counts as "unavailable" and is retried. */
  timeoutMs?: number;
}

export function createGoogleCalendarProvider(config: GoogleProviderConfig): CalendarProvider {
  const urls = { ...googleDefaults, ...stripUndefined(config) };
  const oauth = new OAuth2Client(config.clientId, config.clientSecret, config.redirectUri);
  const calendar = google.calendar({ version: "v3", rootUrl: urls.apiUrl });
  const timeout = config.timeoutMs ?? 20_000;

  return {
    requiredScope: GOOGLE_CALENDAR_EVENTS_SCOPE,
    authorizationUrl(state, codeVerifier) {
      const url = oauth.createAuthorizationURLWithPKCE(urls.authUrl, state, CodeChallengeMethod.S256, codeVerifier, [
        GOOGLE_CALENDAR_EVENTS_SCOPE,
      ]);
      // arctic leaves these to us: a refresh token on every consent, not only the first.
      url.searchParams.set("access_type", "offline");
      url.searchParams.set("prompt", "consent");
      return url;
    },
    async exchangeCode(code, codeVerifier) {
      return readTokens(await oauthCall(() => oauth.validateAuthorizationCode(urls.tokenUrl, code, codeVerifier)));
    },
    async refresh(refreshToken) {
      return readTokens(await oauthCall(() => oauth.refreshAccessToken(urls.tokenUrl, refreshToken, [])));
    },
    async revoke(token) {
      await oauthCall(() => oauth.revokeToken(urls.revokeUrl, token));
    },
    api(accessToken) {
      // googleapis retries GET/PUT/DELETE by itself (not POST/PATCH, not 403): off, so core's
      // backoff handles every call the same way and counts each one against the quota.
      const options = { headers: { Authorization: `Bearer ${accessToken}` }, retry: false, timeout };
      return createCalendarApi(calendar, options);
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

function readTokens(tokens: OAuth2Tokens): ProviderTokens {
  const parsed = tokenResponse.safeParse(tokens.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CalendarProviderError(
      "rejected",
      `Google's token answer is malformed (${issue?.path.join(".")}: ${issue?.message})`,
    );
  }
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token ?? null,
    expiresInSeconds: parsed.data.expires_in,
    scopes: parsed.data.scope ? parsed.data.scope.split(" ").filter(Boolean) : [],
  };
}

async function oauthCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OAuth2RequestError) {
      if (error.code === "invalid_grant") {
        throw new CalendarProviderError(
          "invalid_grant",
          error.description ?? "Token has been expired or revoked.",
          400,
        );
      }
      throw new CalendarProviderError("rejected", `${error.code}${error.description ? `: ${error.description}` : ""}`);
    }
    if (error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError) {
      if (error.status === 429) throw new CalendarProviderError("rate_limited", "Too many requests", 429);
      if (error.status >= 500)
        throw new CalendarProviderError("unavailable", `Google answered ${error.status}`, error.status);
      throw new CalendarProviderError("rejected", `Google answered ${error.status}`, error.status);
    }
    if (error instanceof ArcticFetchError)
      throw new CalendarProviderError("unavailable", "Google could not be reached");
    throw error;
  }
}

interface GoogleErrorBody {
  error?: { code?: number; message?: string; errors?: { reason?: string; message?: string }[] };
}

/** Maps a googleapis (gaxios) failure onto a domain kind, by status and Google's reason. */
export function normaliseGoogleError(error: unknown): CalendarProviderError | unknown {
  if (error instanceof CalendarProviderError) return error;
  const e = error as { response?: { status?: number; data?: unknown }; code?: unknown; message?: string };
  const status = e.response?.status;
  if (status === undefined) {
    // No HTTP answer: timeout, refused or reset connection.
    if (e.code !== undefined || /timeout|ECONN|socket|network|fetch failed|aborted/i.test(e.message ?? "")) {
      return new CalendarProviderError("unavailable", "Google Calendar could not be reached");
    }
    return error;
  }
  const body = (e.response?.data ?? {}) as GoogleErrorBody;
  const reason = body.error?.errors?.[0]?.reason ?? "";
  const message = body.error?.message ?? body.error?.errors?.[0]?.message ?? `HTTP ${status}`;
  const as = (kind: ConstructorParameters<typeof CalendarProviderError>[0]) =>
    new CalendarProviderError(kind, message, status);
  if (status === 401) return as("unauthorized");
  if (status === 429) return as("rate_limited");
  if (status === 403) {
    if (reason === "rateLimitExceeded" || reason === "userRateLimitExceeded") return as("rate_limited");
    if (reason === "quotaExceeded" || reason === "dailyLimitExceeded") return as("quota_exceeded");
    return as("rejected");
  }
  if (status === 404) return as("not_found");
  if (status === 409) return as("duplicate");
  if (status === 410) return reason === "deleted" ? as("gone") : as("sync_token_expired");
  if (status === 412) return as("precondition_failed");
  if (status === 408 || status >= 500) return as("unavailable");
  return as("rejected");
}

async function google_<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw normaliseGoogleError(error);
  }
}

const eventTimeSchema = z
  .object({ dateTime: z.string().nullish(), date: z.string().nullish(), timeZone: z.string().nullish() })
  .nullish();

/** What we read from an event (validated: a Google payload is outside input). */
const eventSchema = z.object({
  id: z.string().min(1),
  status: z.enum(["confirmed", "tentative", "cancelled"]).nullish(),
  summary: z.string().nullish(),
  description: z.string().nullish(),
  location: z.string().nullish(),
  start: eventTimeSchema,
  end: eventTimeSchema,
  updated: z.string().nullish(),
  etag: z.string().nullish(),
  recurringEventId: z.string().nullish(),
  transparency: z.string().nullish(),
  eventType: z.string().nullish(),
  extendedProperties: z.object({ private: z.record(z.string(), z.string()).nullish() }).nullish(),
});

function toTime(time: z.infer<typeof eventTimeSchema>): ProviderEventTime | undefined {
  if (!time) return undefined;
  return {
    ...(time.dateTime && { dateTime: time.dateTime }),
    ...(time.date && { date: time.date }),
    ...(time.timeZone && { timeZone: time.timeZone }),
  };
}

export function toProviderEvent(raw: unknown): ProviderEvent {
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CalendarProviderError(
      "rejected",
      `Google sent an unreadable event (${issue?.path.join(".")}: ${issue?.message})`,
    );
  }
  const e = parsed.data;
  const updated = e.updated ? new Date(e.updated) : undefined;
  return {
    id: e.id,
    // A deletion is guaranteed only its id; the status says cancelled.
    status: e.status ?? "confirmed",
    ...(e.summary != null && { summary: e.summary }),
    ...(e.description != null && { description: e.description }),
    ...(e.location != null && { location: e.location }),
    ...(toTime(e.start) && { start: toTime(e.start) }),
    ...(toTime(e.end) && { end: toTime(e.end) }),
    ...(updated && !Number.isNaN(updated.getTime()) && { updated }),
    ...(e.etag && { etag: e.etag }),
    ...(e.recurringEventId && { recurringEventId: e.recurringEventId }),
    ...(e.extendedProperties?.private && { privateProperties: e.extendedProperties.private }),
    ...((e.transparency === "transparent" || FREE_EVENT_TYPES.has(e.eventType ?? "")) && { free: true }),
  };
}

/** Event types that never hold time ("outOfOffice" and "focusTime" do, and stay busy). */
const FREE_EVENT_TYPES = new Set(["workingLocation", "birthday"]);

/**
 * Our write: both time forms are sent, the unused one as null, so a patch can switch between them.
 * A field the write leaves out (undefined) is not sent at all, so a PATCH keeps Google's value; only
 * an explicit null clears it. (Sending `?? null` here blanked the description of events made in Google.)
 */
function toRequestBody(event: ProviderEventWrite): calendar_v3.Schema$Event {
  const time = (t: ProviderEventTime): calendar_v3.Schema$EventDateTime =>
    t.date
      ? { date: t.date, dateTime: null, timeZone: null }
      : { dateTime: t.dateTime, date: null, ...(t.timeZone !== undefined && { timeZone: t.timeZone }) };
  return {
    summary: event.summary,
    ...(event.description !== undefined && { description: event.description }),
    ...(event.location !== undefined && { location: event.location }),
    start: time(event.start),
    end: time(event.end),
    status: event.status,
    // Keys merge in a PATCH: other apps' private properties on the event stay.
    extendedProperties: { private: event.privateProperties },
  };
}

type CallOptions = { headers: Record<string, string>; retry: boolean; timeout: number };

function createCalendarApi(calendar: calendar_v3.Calendar, options: CallOptions): CalendarApi {
  const withEtag = (etag?: string) =>
    etag ? { ...options, headers: { ...options.headers, "If-Match": etag } } : options;
  return {
    listEvents: (calendarId, query) =>
      google_(async (): Promise<ProviderEventPage> => {
        const { data } = await calendar.events.list(
          {
            calendarId,
            singleEvents: true,
            showDeleted: true,
            maxResults: query.maxResults ?? 2500,
            ...(query.syncToken && { syncToken: query.syncToken }),
            ...(query.pageToken && { pageToken: query.pageToken }),
            ...(query.timeMin && { timeMin: query.timeMin.toISOString() }),
            ...(query.timeMax && { timeMax: query.timeMax.toISOString() }),
          },
          options,
        );
        return {
          items: (data.items ?? []).map(toProviderEvent),
          ...(data.nextPageToken && { nextPageToken: data.nextPageToken }),
          ...(data.nextSyncToken && { nextSyncToken: data.nextSyncToken }),
          ...(data.summary && { calendarSummary: data.summary }),
        };
      }),
    getEvent: (calendarId, eventId) =>
      google_(async () => toProviderEvent((await calendar.events.get({ calendarId, eventId }, options)).data)),
    insertEvent: (calendarId, id, event) =>
      google_(async () =>
        toProviderEvent(
          (
            await calendar.events.insert(
              { calendarId, sendUpdates: "none", requestBody: { id, ...toRequestBody(event) } },
              options,
            )
          ).data,
        ),
      ),
    patchEvent: (calendarId, eventId, event, etag) =>
      google_(async () =>
        toProviderEvent(
          (
            await calendar.events.patch(
              { calendarId, eventId, sendUpdates: "none", requestBody: toRequestBody(event) },
              withEtag(etag),
            )
          ).data,
        ),
      ),
    deleteEvent: (calendarId, eventId) =>
      google_(async () => {
        await calendar.events.delete({ calendarId, eventId, sendUpdates: "none" }, options);
      }),
    watch: (calendarId, channel) =>
      google_(async () => {
        const { data } = await calendar.events.watch(
          {
            calendarId,
            requestBody: {
              id: channel.id,
              type: "web_hook",
              address: channel.address,
              token: channel.token,
              expiration: String(channel.expiration.getTime()),
            },
          },
          options,
        );
        const expiration = Number(data.expiration);
        if (!data.resourceId || !Number.isFinite(expiration)) {
          throw new CalendarProviderError("rejected", "Google's watch answer has no resourceId or expiration");
        }
        return { resourceId: data.resourceId, expiration: new Date(expiration) };
      }),
    stopChannel: (channelId, resourceId) =>
      google_(async () => {
        await calendar.channels.stop({ requestBody: { id: channelId, resourceId } }, options);
      }),
  };
}
