/** What the fake Google's tests share: a manual clock, the real clients pointed at a fake, and error catchers. */
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2Client, OAuth2RequestError } from "arctic";
import { type calendar_v3, google } from "googleapis";
import { afterAll, beforeAll, expect } from "vitest";
import { type FakeGoogle, GOOGLE_CALENDAR_EVENTS_SCOPE, startFakeGoogle } from "./index";

export class TestClock {
  #ms: number;
  constructor(start: string) {
    this.#ms = Date.parse(start);
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export const REDIRECT = "http://localhost:5173/settings/calendar/callback";
/** Where each test file's clock starts. */
export const START = "2026-03-01T09:00:00Z";
/** Push notifications are retried fast in tests. */
export const TEST_OPTIONS = { notificationRetryDelaysMs: [20, 20] };

/** The real clients (arctic, googleapis) on a fake; `f` defaults to the file's fake. */
export function clientsFor(current: () => FakeGoogle) {
  function oauthClient(f: FakeGoogle = current(), secret = f.clientSecret, redirect = REDIRECT) {
    return new OAuth2Client(f.clientId, secret, redirect);
  }

  function authorizationUrl(f: FakeGoogle, scopes = [GOOGLE_CALENDAR_EVENTS_SCOPE], prompt = true) {
    const state = generateState();
    const verifier = generateCodeVerifier();
    const url = oauthClient(f).createAuthorizationURLWithPKCE(
      f.authUrl,
      state,
      CodeChallengeMethod.S256,
      verifier,
      scopes,
    );
    url.searchParams.set("access_type", "offline");
    if (prompt) url.searchParams.set("prompt", "consent");
    return { url, state, verifier };
  }

  /** The whole connect flow through arctic: consent (approve), code exchange. */
  async function connect(account: string, options: { f?: FakeGoogle; scopes?: string[]; prompt?: boolean } = {}) {
    const f = options.f ?? current();
    const { url, state, verifier } = authorizationUrl(f, options.scopes, options.prompt ?? true);
    const back = await f.approve(url, { account });
    expect(back.searchParams.get("state")).toBe(state);
    const tokens = await oauthClient(f).validateAuthorizationCode(
      f.tokenUrl,
      back.searchParams.get("code") ?? "",
      verifier,
    );
    return { tokens, accessToken: tokens.accessToken() };
  }

  /** A googleapis Calendar client authorised with a bare access token (no refresh behind it). */
  function calendar(accessToken: string, f: FakeGoogle = current()): calendar_v3.Calendar {
    const auth = new google.auth.OAuth2();
    auth.setCredentials({ access_token: accessToken });
    return google.calendar({ version: "v3", rootUrl: `${f.url}/`, auth });
  }

  return { oauthClient, authorizationUrl, connect, calendar };
}

export interface CaughtApiError {
  status: number | undefined;
  reason: string | undefined;
  data: { error?: { code?: number; message?: string; errors?: { reason?: string; location?: string }[] } } | undefined;
}

export async function apiError(promise: Promise<unknown>): Promise<CaughtApiError> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status?: number; data?: CaughtApiError["data"] } }).response;
    return { status: response?.status, reason: response?.data?.error?.errors?.[0]?.reason, data: response?.data };
  }
  throw new Error("expected the call to fail");
}

export async function oauthError(promise: Promise<unknown>): Promise<OAuth2RequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuth2RequestError) return error;
    throw error;
  }
  throw new Error("expected an OAuth2RequestError");
}

/** Every page of a list; returns the items and the sync token of the last page. */
export async function listAll(cal: calendar_v3.Calendar, params: calendar_v3.Params$Resource$Events$List) {
  const items: calendar_v3.Schema$Event[] = [];
  const pages: calendar_v3.Schema$Events[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await cal.events.list({ calendarId: "primary", ...params, pageToken });
    pages.push(data);
    items.push(...(data.items ?? []));
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return { items, pages, syncToken: pages.at(-1)?.nextSyncToken ?? undefined };
}

export const timed = (start: string, minutes = 60) => ({
  start: { dateTime: start },
  end: { dateTime: new Date(Date.parse(start) + minutes * 60_000).toISOString() },
});

/**
 * One fake for the calling test file, on its own clock from START, with the real clients pointed at
 * it. Use at top level: `const { clock, fake, connect, calendar } = useFakeGoogle();`.
 */
export function useFakeGoogle() {
  const clock = new TestClock(START);
  let current: FakeGoogle | undefined;
  beforeAll(async () => {
    current = await startFakeGoogle({ clock, ...TEST_OPTIONS });
  });
  afterAll(async () => {
    await current?.close();
  });
  const fake = () => {
    if (!current) throw new Error("useFakeGoogle(): the fake runs only inside tests");
    return current;
  };
  return { clock, fake, ...clientsFor(fake) };
}
