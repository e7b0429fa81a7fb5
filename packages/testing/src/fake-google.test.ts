import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CodeChallengeMethod,
  decodeIdToken,
  generateCodeVerifier,
  generateState,
  OAuth2Client,
  OAuth2RequestError,
  UnexpectedResponseError,
} from "arctic";
import { type calendar_v3, google } from "googleapis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGoogle, GOOGLE_CALENDAR_EVENTS_SCOPE, startFakeGoogle } from "./fake-google/index";

class TestClock {
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

const REDIRECT = "http://localhost:5173/settings/calendar/callback";
const clock = new TestClock("2026-03-01T09:00:00Z");
let fake: FakeGoogle;

beforeAll(async () => {
  fake = await startFakeGoogle({ clock, notificationRetryDelaysMs: [20, 20] });
});
afterAll(async () => {
  await fake.close();
});

function oauthClient(f: FakeGoogle = fake, secret = f.clientSecret, redirect = REDIRECT) {
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
  const f = options.f ?? fake;
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
function calendar(accessToken: string, f: FakeGoogle = fake): calendar_v3.Calendar {
  const auth = new google.auth.OAuth2();
  auth.setCredentials({ access_token: accessToken });
  return google.calendar({ version: "v3", rootUrl: `${f.url}/`, auth });
}

interface CaughtApiError {
  status: number | undefined;
  reason: string | undefined;
  data: { error?: { code?: number; message?: string; errors?: { reason?: string; location?: string }[] } } | undefined;
}

async function apiError(promise: Promise<unknown>): Promise<CaughtApiError> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status?: number; data?: CaughtApiError["data"] } }).response;
    return { status: response?.status, reason: response?.data?.error?.errors?.[0]?.reason, data: response?.data };
  }
  throw new Error("expected the call to fail");
}

async function oauthError(promise: Promise<unknown>): Promise<OAuth2RequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuth2RequestError) return error;
    throw error;
  }
  throw new Error("expected an OAuth2RequestError");
}

/** Every page of a list; returns the items and the sync token of the last page. */
async function listAll(cal: calendar_v3.Calendar, params: calendar_v3.Params$Resource$Events$List) {
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

const timed = (start: string, minutes = 60) => ({
  start: { dateTime: start },
  end: { dateTime: new Date(Date.parse(start) + minutes * 60_000).toISOString() },
});

describe("OAuth through arctic", () => {
  it("connects: consent, code exchange, refresh, revoke", async () => {
    const { tokens } = await connect("oauth1@example.com");
    expect(tokens.tokenType()).toBe("Bearer");
    expect(tokens.accessToken()).toMatch(/^ya29\./);
    expect(tokens.accessTokenExpiresInSeconds()).toBe(3599);
    expect(tokens.scopes()).toEqual([GOOGLE_CALENDAR_EVENTS_SCOPE]);
    expect(tokens.refreshToken()).toMatch(/^1\/\//);

    const refreshed = await oauthClient().refreshAccessToken(fake.tokenUrl, tokens.refreshToken(), []);
    expect(refreshed.accessToken()).not.toBe(tokens.accessToken());
    expect(refreshed.hasRefreshToken()).toBe(false); // Google's usual answer: the refresh token stays the same
    expect(refreshed.scopes()).toEqual([GOOGLE_CALENDAR_EVENTS_SCOPE]);
    const { status } = await calendar(refreshed.accessToken()).events.list({ calendarId: "primary" });
    expect(status).toBe(200);

    await oauthClient().revokeToken(fake.revokeUrl, tokens.refreshToken());
    const error = await oauthError(oauthClient().refreshAccessToken(fake.tokenUrl, tokens.refreshToken(), []));
    expect(error.code).toBe("invalid_grant");
    expect(error.description).toBe("Token has been expired or revoked.");
    // Revoking the refresh token revoked every access token of the grant too.
    const denied = await apiError(calendar(refreshed.accessToken()).events.list({ calendarId: "primary" }));
    expect(denied).toMatchObject({ status: 401, reason: "authError" });
    expect((await oauthError(oauthClient().revokeToken(fake.revokeUrl, tokens.refreshToken()))).code).toBe(
      "invalid_token",
    );
  });

  it("refuses replayed codes, wrong verifiers, wrong redirect URIs and wrong client secrets", async () => {
    const first = authorizationUrl(fake);
    const code = (await fake.approve(first.url)).searchParams.get("code") ?? "";
    await oauthClient().validateAuthorizationCode(fake.tokenUrl, code, first.verifier);
    const replay = await oauthError(oauthClient().validateAuthorizationCode(fake.tokenUrl, code, first.verifier));
    expect(replay.code).toBe("invalid_grant");

    const second = authorizationUrl(fake);
    const code2 = (await fake.approve(second.url)).searchParams.get("code") ?? "";
    const badSecret = await oauthError(
      oauthClient(fake, "wrong").validateAuthorizationCode(fake.tokenUrl, code2, second.verifier),
    );
    expect(badSecret.code).toBe("invalid_client");
    const badRedirect = await oauthError(
      oauthClient(fake, fake.clientSecret, "http://localhost/other").validateAuthorizationCode(
        fake.tokenUrl,
        code2,
        second.verifier,
      ),
    );
    expect(badRedirect.code).toBe("redirect_uri_mismatch");
    const badVerifier = await oauthError(
      oauthClient().validateAuthorizationCode(fake.tokenUrl, code2, generateCodeVerifier()),
    );
    expect(badVerifier).toMatchObject({ code: "invalid_grant", description: "Invalid code verifier." });
    expect((await oauthError(oauthClient().validateAuthorizationCode(fake.tokenUrl, "4/garbage", null))).code).toBe(
      "invalid_grant",
    );
    expect((await oauthError(oauthClient().refreshAccessToken(fake.tokenUrl, "1//unknown", []))).code).toBe(
      "invalid_grant",
    );
  });

  it("validates the authorization URL like the consent page does, and denies", async () => {
    const { url, state } = authorizationUrl(fake);
    const noPkce = new URL(url);
    noPkce.searchParams.delete("code_challenge");
    await expect(fake.approve(noPkce)).rejects.toThrow(/code_challenge/);
    const page = await fetch(noPkce);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("Missing required parameter: code_challenge");

    const noRedirect = new URL(url);
    noRedirect.searchParams.delete("redirect_uri");
    const page2 = await fetch(noRedirect);
    expect(page2.status).toBe(400);
    expect(await page2.text()).toMatch(/Error 400: invalid_request[\s\S]*redirect_uri/);
    await expect(
      fake.approve(new URL(url.toString().replace(fake.url, "https://accounts.google.com"))),
    ).rejects.toThrow();

    const denied = await fake.deny(url);
    expect(`${denied.origin}${denied.pathname}`).toBe(REDIRECT);
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe(state);
  });

  it("serves an HTML consent page whose Allow/Deny forms redirect back to the app", async () => {
    fake.signInAs("page@example.com");
    try {
      const { url, state, verifier } = authorizationUrl(fake);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("page@example.com");
      expect(html).toContain(fake.clientId);
      expect(html).toContain(GOOGLE_CALENDAR_EVENTS_SCOPE);
      expect(html).toMatch(/<button[^>]*>Allow<\/button>/);
      expect(html).toMatch(/<button[^>]*>Deny<\/button>/);
      const consent = /name="consent" value="([^"]+)"/.exec(html)?.[1] ?? "";
      const allow = await fetch(`${fake.url}/o/oauth2/v2/auth/decision`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ consent, decision: "allow", scope: GOOGLE_CALENDAR_EVENTS_SCOPE }),
        redirect: "manual",
      });
      expect(allow.status).toBe(302);
      const location = new URL(allow.headers.get("location") ?? "");
      expect(location.searchParams.get("state")).toBe(state);
      const tokens = await oauthClient().validateAuthorizationCode(
        fake.tokenUrl,
        location.searchParams.get("code") ?? "",
        verifier,
      );
      const { data } = await calendar(tokens.accessToken()).events.list({ calendarId: "primary" });
      expect(data.summary).toBe("page@example.com");
      // The page is single use.
      const again = await fetch(`${fake.url}/o/oauth2/v2/auth/decision`, {
        method: "POST",
        body: new URLSearchParams({ consent, decision: "allow" }),
        redirect: "manual",
      });
      expect(again.status).toBe(400);
    } finally {
      fake.signInAs("coach@example.com");
    }
  });

  it("rotates refresh tokens when asked, expires access tokens by the clock, and needs prompt=consent for a new refresh token", async () => {
    const own = new TestClock("2026-03-01T09:00:00Z");
    const rotating = await startFakeGoogle({ clock: own, rotateRefreshTokens: true, accessTokenTtlSeconds: 600 });
    try {
      const { tokens } = await connect("rot@example.com", { f: rotating });
      expect(tokens.accessTokenExpiresInSeconds()).toBe(600);
      const next = await oauthClient(rotating).refreshAccessToken(rotating.tokenUrl, tokens.refreshToken(), []);
      expect(next.refreshToken()).not.toBe(tokens.refreshToken());
      const old = await oauthError(
        oauthClient(rotating).refreshAccessToken(rotating.tokenUrl, tokens.refreshToken(), []),
      );
      expect(old.code).toBe("invalid_grant");

      const api = calendar(next.accessToken(), rotating);
      expect((await api.events.list({ calendarId: "primary" })).status).toBe(200);
      own.advance(601_000);
      expect(await apiError(api.events.list({ calendarId: "primary" }))).toMatchObject({
        status: 401,
        reason: "authError",
      });

      // Consenting again without prompt=consent gives no new refresh token (like Google).
      const again = await connect("rot@example.com", { f: rotating, prompt: false });
      expect(again.tokens.hasRefreshToken()).toBe(false);
    } finally {
      await rotating.close();
    }
  });

  it("answers OpenID scopes with an id_token and userinfo; prompt=none is silent only after consent", async () => {
    const scopes = ["openid", "email", GOOGLE_CALENDAR_EVENTS_SCOPE];
    const { tokens } = await connect("oidc@example.com", { scopes });
    expect(tokens.scopes()).toEqual([
      "openid",
      "https://www.googleapis.com/auth/userinfo.email",
      GOOGLE_CALENDAR_EVENTS_SCOPE,
    ]);
    expect(decodeIdToken(tokens.idToken())).toMatchObject({ email: "oidc@example.com", aud: fake.clientId });
    const info = await fetch(fake.userinfoUrl, { headers: { authorization: `Bearer ${tokens.accessToken()}` } });
    expect(await info.json()).toMatchObject({ email: "oidc@example.com", email_verified: true });

    const silent = authorizationUrl(fake, scopes, false);
    silent.url.searchParams.set("prompt", "none");
    try {
      fake.signInAs("oidc@example.com");
      const known = await fetch(silent.url, { redirect: "manual" });
      expect(known.status).toBe(302);
      expect(new URL(known.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();
      fake.signInAs("stranger@example.com");
      const unknown = await fetch(silent.url, { redirect: "manual" });
      expect(new URL(unknown.headers.get("location") ?? "").searchParams.get("error")).toBe("consent_required");
    } finally {
      fake.signInAs("coach@example.com");
    }
  });

  it("works with google-auth-library too (client secret in the body, automatic refresh, revoke in the query)", async () => {
    const { url, verifier } = authorizationUrl(fake);
    const code = (await fake.approve(url, { account: "gal@example.com" })).searchParams.get("code") ?? "";
    const auth = new google.auth.OAuth2({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      redirectUri: REDIRECT,
      endpoints: { oauth2TokenUrl: fake.tokenUrl, oauth2RevokeUrl: fake.revokeUrl },
    });
    const { tokens } = await auth.getToken({ code, codeVerifier: verifier });
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    // An access token past its expiry date: the client refreshes it before calling.
    auth.setCredentials({ ...tokens, expiry_date: Date.now() - 1000 });
    fake.resetCounters();
    const api = google.calendar({ version: "v3", rootUrl: `${fake.url}/`, auth });
    expect((await api.events.list({ calendarId: "primary" })).status).toBe(200);
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.account}`)).toEqual([
      "POST /token 200 gal@example.com",
      "GET /calendar/v3/calendars/primary/events 200 gal@example.com",
    ]);
    await auth.revokeToken(tokens.refresh_token ?? "");
    expect(await apiError(api.events.list({ calendarId: "primary" }))).toMatchObject({ status: 401 });
  });
});

describe("Calendar events", () => {
  it("inserts, gets, patches (If-Match), updates, deletes, and refuses duplicates", async () => {
    const { accessToken } = await connect("crud@example.com");
    const api = calendar(accessToken);
    const inserted = await api.events.insert({
      calendarId: "primary",
      requestBody: {
        id: "booking0001abc",
        summary: "Session with Ana",
        description: "first",
        ...timed("2026-03-02T10:00:00+01:00"),
        extendedProperties: { private: { crmBookingId: "b1", other: "x" } },
      },
    });
    expect(inserted.status).toBe(200);
    const ev = inserted.data;
    expect(ev).toMatchObject({
      kind: "calendar#event",
      id: "booking0001abc",
      status: "confirmed",
      summary: "Session with Ana",
      start: { dateTime: "2026-03-02T09:00:00Z" },
      sequence: 0,
      iCalUID: "booking0001abc@google.com",
      created: "2026-03-01T09:00:00.000Z",
      updated: "2026-03-01T09:00:00.000Z",
      creator: { email: "crud@example.com", self: true },
    });
    expect(ev.etag).toMatch(/^"\d+"$/);
    expect(ev.htmlLink).toMatch(/^https:\/\/www\.google\.com\/calendar\/event\?eid=/);

    const got = await api.events.get({ calendarId: "crud@example.com", eventId: "booking0001abc" });
    expect(got.data.etag).toBe(ev.etag);

    clock.advance(1000);
    // googleapis' types only take headers in the second argument (the params-object form works at runtime only).
    const patched = await api.events.patch(
      {
        calendarId: "primary",
        eventId: "booking0001abc",
        requestBody: { summary: "Session with Ana (moved)", extendedProperties: { private: { other: null } } } as never,
      },
      { headers: { "If-Match": ev.etag ?? "" } },
    );
    expect(patched.data).toMatchObject({
      summary: "Session with Ana (moved)",
      description: "first",
      sequence: 1,
      updated: "2026-03-01T09:00:01.000Z",
      extendedProperties: { private: { crmBookingId: "b1" } },
    });
    expect(patched.data.etag).not.toBe(ev.etag);
    const stale = await apiError(
      api.events.patch(
        { calendarId: "primary", eventId: "booking0001abc", requestBody: { summary: "lost update" } },
        { headers: { "If-Match": ev.etag ?? "" } },
      ),
    );
    expect(stale).toMatchObject({ status: 412, reason: "conditionNotMet" });
    expect(stale.data?.error?.errors?.[0]?.location).toBe("If-Match");

    const updated = await api.events.update({
      calendarId: "primary",
      eventId: "booking0001abc",
      requestBody: { summary: "Replaced", ...timed("2026-03-02T11:00:00Z") },
    });
    expect(updated.data.description).toBeUndefined();
    expect(updated.data.extendedProperties).toBeUndefined();

    expect((await api.events.delete({ calendarId: "primary", eventId: "booking0001abc" })).status).toBe(204);
    const tombstone = await api.events.get({ calendarId: "primary", eventId: "booking0001abc" });
    expect(tombstone.data.status).toBe("cancelled");
    expect(
      await apiError(api.events.delete({ calendarId: "primary", eventId: "booking0001abc" }, { retry: false })),
    ).toMatchObject({ status: 410, reason: "deleted" });
    const duplicate = await apiError(
      api.events.insert({
        calendarId: "primary",
        requestBody: { id: "booking0001abc", ...timed("2026-03-03T10:00:00Z") },
      }),
    );
    expect(duplicate).toMatchObject({ status: 409, reason: "duplicate" });
    expect(duplicate.data?.error?.message).toBe("The requested identifier already exists.");

    // Undelete: a cancelled event can be patched back to confirmed.
    const restored = await api.events.patch({
      calendarId: "primary",
      eventId: "booking0001abc",
      requestBody: { status: "confirmed" },
    });
    expect(restored.data.status).toBe("confirmed");
  });

  it("validates event bodies and ids like the API", async () => {
    const { accessToken } = await connect("valid@example.com");
    const api = calendar(accessToken);
    const insert = (requestBody: calendar_v3.Schema$Event) =>
      apiError(api.events.insert({ calendarId: "primary", requestBody }));
    expect(await insert({ id: "UPPER_case", ...timed("2026-03-02T10:00:00Z") })).toMatchObject({
      status: 400,
      reason: "invalid",
    });
    expect(await insert({ start: { dateTime: "2026-03-02T10:00:00Z" } })).toMatchObject({
      status: 400,
      reason: "required",
    });
    expect(await insert({ ...timed("2026-03-02T10:00:00Z", -30) })).toMatchObject({
      status: 400,
      reason: "timeRangeEmpty",
    });
    expect(
      await insert({ start: { dateTime: "2026-03-02T10:00:00" }, end: { dateTime: "2026-03-02T11:00:00" } }),
    ).toMatchObject({ status: 400 });
    expect(await insert({ start: { date: "2026-03-02" }, end: { dateTime: "2026-03-02T11:00:00Z" } })).toMatchObject({
      status: 400,
    });
    const local = await api.events.insert({
      calendarId: "primary",
      requestBody: {
        start: { dateTime: "2026-07-02T10:00:00", timeZone: "Europe/Paris" },
        end: { dateTime: "2026-07-02T11:00:00", timeZone: "Europe/Paris" },
      },
    });
    expect(local.data.start).toEqual({ dateTime: "2026-07-02T08:00:00Z", timeZone: "Europe/Paris" });
    expect(local.data.id).toMatch(/^[a-v0-9]{26}$/);
    expect(await apiError(api.events.get({ calendarId: "primary", eventId: "nosuchevent" }))).toMatchObject({
      status: 404,
      reason: "notFound",
    });
    expect(await apiError(api.events.list({ calendarId: "someone-else@example.com" }))).toMatchObject({ status: 404 });
    // calendars.get and calendarList need a calendar (not an events-only) scope.
    expect(await apiError(api.calendars.get({ calendarId: "primary" }))).toMatchObject({
      status: 403,
      reason: "insufficientPermissions",
    });
    const parse = await fetch(`${fake.url}/calendar/v3/calendars/primary/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(parse.status).toBe(400);
    expect(((await parse.json()) as CaughtApiError["data"])?.error?.errors?.[0]?.reason).toBe("parseError");
  });

  it("full-syncs 2,600 events in two pages, then syncs changes and deletions incrementally", async () => {
    const { accessToken } = await connect("bulk@example.com");
    const api = calendar(accessToken);
    for (let i = 0; i < 2600; i++) {
      fake.createEvent(
        {
          id: `bulk${String(i).padStart(5, "0")}`,
          summary: `Event ${i}`,
          ...timed(new Date(Date.parse("2026-03-02T08:00:00Z") + i * 3_600_000).toISOString()),
          extendedProperties: { private: { crmBookingId: `b${i}` } },
        },
        undefined,
        "bulk@example.com",
      );
    }
    const full = await listAll(api, { maxResults: 2500, singleEvents: true });
    expect(full.pages.map((p) => [p.items?.length, !!p.nextPageToken, !!p.nextSyncToken])).toEqual([
      [2500, true, false],
      [100, false, true],
    ]);
    expect(new Set(full.items.map((e) => e.id)).size).toBe(2600);
    expect(full.pages[0]).toMatchObject({ kind: "calendar#events", summary: "bulk@example.com", timeZone: "UTC" });

    clock.advance(1000);
    fake.updateEvent("bulk00007", { summary: "Moved in Google" }, undefined, "bulk@example.com");
    fake.deleteEvent("bulk00008", undefined, "bulk@example.com");
    await api.events.patch({ calendarId: "primary", eventId: "bulk00009", requestBody: { location: "Room 2" } });

    const incremental = await listAll(api, { maxResults: 2500, singleEvents: true, syncToken: full.syncToken });
    expect(incremental.items.map((e) => [e.id, e.status])).toEqual([
      ["bulk00007", "confirmed"],
      ["bulk00008", "cancelled"],
      ["bulk00009", "confirmed"],
    ]);
    const deletion = incremental.items[1];
    expect(deletion?.extendedProperties).toBeUndefined(); // only the id is guaranteed on a deletion
    expect(incremental.items[0]?.summary).toBe("Moved in Google");
    expect(incremental.syncToken).toBeDefined();
    const none = await listAll(api, { singleEvents: true, syncToken: incremental.syncToken });
    expect(none.items).toEqual([]);
  });

  it("keeps page tokens on their snapshot: nothing lost or duplicated across full + incremental sync", async () => {
    const { accessToken } = await connect("paging@example.com");
    const api = calendar(accessToken);
    for (let i = 0; i < 30; i++) {
      fake.createEvent(
        {
          id: `page${String(i).padStart(3, "0")}`,
          ...timed(`2026-03-${String(2 + (i % 20)).padStart(2, "0")}T10:00:00Z`),
        },
        undefined,
        "paging@example.com",
      );
    }
    const seen: calendar_v3.Schema$Event[] = [];
    const first = await api.events.list({ calendarId: "primary", maxResults: 10 });
    seen.push(...(first.data.items ?? []));
    // Changes between page requests: two inserts, an update of an event on a later page, a delete.
    await api.events.insert({
      calendarId: "primary",
      requestBody: { id: "pagenu01", ...timed("2026-03-05T12:00:00Z") },
    });
    fake.createEvent({ id: "pagenu02", ...timed("2026-03-06T12:00:00Z") }, undefined, "paging@example.com");
    fake.updateEvent("page025", { summary: "edited mid-sync" }, undefined, "paging@example.com");
    fake.deleteEvent("page015", undefined, "paging@example.com");
    let pageToken = first.data.nextPageToken ?? undefined;
    let syncToken: string | undefined;
    while (pageToken) {
      const { data } = await api.events.list({ calendarId: "primary", maxResults: 10, pageToken });
      seen.push(...(data.items ?? []));
      pageToken = data.nextPageToken ?? undefined;
      syncToken = data.nextSyncToken ?? undefined;
    }
    expect(seen.map((e) => e.id).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `page${String(i).padStart(3, "0")}`),
    );

    const incremental = await listAll(api, { syncToken });
    expect(incremental.items.map((e) => e.id).sort()).toEqual(["page015", "page025", "pagenu01", "pagenu02"]);

    // Applying full + incremental gives exactly the calendar's live events.
    const local = new Map<string, calendar_v3.Schema$Event>();
    for (const e of [...seen, ...incremental.items]) {
      if (e.status === "cancelled") local.delete(e.id ?? "");
      else local.set(e.id ?? "", e);
    }
    const live = fake.events(undefined, "paging@example.com").filter((e) => e.status !== "cancelled");
    expect([...local.keys()].sort()).toEqual(live.map((e) => e.id));
    expect(local.get("page025")?.summary).toBe("edited mid-sync");
  });

  it("answers 410 fullSyncRequired for expired or garbled sync tokens, and 400 for bad list parameters", async () => {
    const { accessToken } = await connect("sync410@example.com");
    const api = calendar(accessToken);
    const { syncToken } = await listAll(api, {});
    expect(syncToken).toBeDefined();
    fake.expireSyncTokens();
    for (const token of [syncToken, "garbled"]) {
      const gone = await apiError(api.events.list({ calendarId: "primary", syncToken: token }, { retry: false }));
      expect(gone.status).toBe(410);
      expect(gone.data?.error?.errors?.[0]).toMatchObject({ reason: "fullSyncRequired", location: "syncToken" });
    }
    const fresh = await listAll(api, {});
    const withWindow = await apiError(
      api.events.list({ calendarId: "primary", syncToken: fresh.syncToken, timeMin: "2026-01-01T00:00:00Z" }),
    );
    expect(withWindow.status).toBe(400);
    expect(await apiError(api.events.list({ calendarId: "primary", orderBy: "startTime" }))).toMatchObject({
      status: 400,
    });
    expect(
      await apiError(
        api.events.list({ calendarId: "primary", timeMin: "2026-03-02T00:00:00Z", timeMax: "2026-03-01T00:00:00Z" }),
      ),
    ).toMatchObject({ status: 400, reason: "timeRangeEmpty" });
    expect(await apiError(api.events.list({ calendarId: "primary", timeMin: "2026-03-02T00:00:00" }))).toMatchObject({
      status: 400,
    });
  });

  it("can forget deleted events with the sync tokens, as Google drops old tombstones (ids stay taken)", async () => {
    const { accessToken } = await connect("tombstones@example.com");
    const api = calendar(accessToken);
    const gone = await api.events.insert({
      calendarId: "primary",
      requestBody: { id: "gone01", ...timed("2026-03-03T10:00:00Z") },
    });
    await api.events.insert({ calendarId: "primary", requestBody: { id: "kept01", ...timed("2026-03-04T10:00:00Z") } });
    const series = await api.events.insert({
      calendarId: "primary",
      requestBody: {
        id: "series01",
        start: { dateTime: "2026-03-05T10:00:00Z", timeZone: "UTC" },
        end: { dateTime: "2026-03-05T11:00:00Z", timeZone: "UTC" },
        recurrence: ["RRULE:FREQ=DAILY;COUNT=3"],
      },
    });
    const instanceId = `${series.data.id}_20260306T100000Z`;
    await api.events.delete({ calendarId: "primary", eventId: gone.data.id! });
    await api.events.delete({ calendarId: "primary", eventId: instanceId });
    const before = await listAll(api, { showDeleted: true });
    expect(before.items.filter((e) => e.status === "cancelled").map((e) => e.id)).toEqual(["gone01", instanceId]);

    fake.expireSyncTokens({ forgetDeleted: true });
    expect((await apiError(api.events.list({ calendarId: "primary", syncToken: before.syncToken }))).status).toBe(410);
    const after = await listAll(api, { showDeleted: true, singleEvents: true });
    const live = after.items.filter((e) => e.status !== "cancelled").map((e) => e.id);
    expect(live.sort()).toEqual(["kept01", "series01_20260305T100000Z", "series01_20260307T100000Z"]);
    // The deleted instance stays listed as deleted: it belongs to its live series.
    expect(after.items.filter((e) => e.status === "cancelled").map((e) => e.id)).toEqual([instanceId]);
    expect((await apiError(api.events.get({ calendarId: "primary", eventId: "gone01" }))).status).toBe(404);
    // The deleted id is still taken.
    const again = await apiError(
      api.events.insert({ calendarId: "primary", requestBody: { id: "gone01", ...timed("2026-03-03T10:00:00Z") } }),
    );
    expect(again).toMatchObject({ status: 409, reason: "duplicate" });
  });

  it("filters by time window (timeMin on end, timeMax on start) and private extended property", async () => {
    const { accessToken } = await connect("window@example.com");
    const api = calendar(accessToken);
    const make = (id: string, start: string, extra: calendar_v3.Schema$Event = {}) =>
      fake.createEvent({ id, ...timed(start), ...extra } as never, undefined, "window@example.com");
    make("tmin1", "2026-03-02T08:00:00Z"); // ends 09:00, exactly at timeMin: out
    make("tmin2", "2026-03-02T08:30:00Z"); // ends 09:30: in
    make("tmin3", "2026-03-02T17:00:00Z"); // starts at timeMax: out
    make("tmin4", "2026-03-02T12:00:00Z", { extendedProperties: { private: { crmBookingId: "42" } } });
    fake.createEvent(
      { id: "tmin5", start: { date: "2026-03-02" }, end: { date: "2026-03-03" } },
      undefined,
      "window@example.com",
    );
    const { data } = await api.events.list({
      calendarId: "primary",
      timeMin: "2026-03-02T09:00:00Z",
      timeMax: "2026-03-02T17:00:00Z",
      singleEvents: true,
      orderBy: "startTime",
    });
    expect(data.items?.map((e) => e.id)).toEqual(["tmin5", "tmin2", "tmin4"]);
    const byProperty = await api.events.list({ calendarId: "primary", privateExtendedProperty: ["crmBookingId=42"] });
    expect(byProperty.data.items?.map((e) => e.id)).toEqual(["tmin4"]);
  });

  it("expands recurring series into instances, with exceptions, DST and incremental changes", async () => {
    const { accessToken } = await connect("recur@example.com");
    const api = calendar(accessToken);
    const missingZone = await apiError(
      api.events.insert({
        calendarId: "primary",
        requestBody: { ...timed("2026-03-02T09:00:00Z"), recurrence: ["RRULE:FREQ=DAILY;COUNT=5"] },
      }),
    );
    expect(missingZone.status).toBe(400);

    const master = await api.events.insert({
      calendarId: "primary",
      requestBody: {
        id: "standup1",
        summary: "Daily standup",
        start: { dateTime: "2026-03-02T10:00:00+01:00", timeZone: "Europe/Berlin" },
        end: { dateTime: "2026-03-02T10:15:00+01:00", timeZone: "Europe/Berlin" },
        recurrence: ["RRULE:FREQ=DAILY;COUNT=5"],
      },
    });
    expect(master.data.recurrence).toEqual(["RRULE:FREQ=DAILY;COUNT=5"]);
    const first = await listAll(api, { singleEvents: true });
    expect(first.items.map((e) => e.id)).toEqual([
      "standup1_20260302T090000Z",
      "standup1_20260303T090000Z",
      "standup1_20260304T090000Z",
      "standup1_20260305T090000Z",
      "standup1_20260306T090000Z",
    ]);
    expect(first.items[1]).toMatchObject({
      recurringEventId: "standup1",
      originalStartTime: { dateTime: "2026-03-03T09:00:00Z", timeZone: "Europe/Berlin" },
      iCalUID: "standup1@google.com",
      summary: "Daily standup",
    });
    expect(first.items[0]?.recurrence).toBeUndefined();
    const masters = await api.events.list({ calendarId: "primary" });
    expect(masters.data.items?.map((e) => e.id)).toEqual(["standup1"]);

    // Edit one instance, delete another: they become exceptions.
    await api.events.patch({
      calendarId: "primary",
      eventId: "standup1_20260303T090000Z",
      requestBody: { summary: "Standup (moved)", ...timed("2026-03-03T13:00:00Z", 15) },
    });
    await api.events.delete({ calendarId: "primary", eventId: "standup1_20260304T090000Z" });
    const window = await api.events.list({
      calendarId: "primary",
      singleEvents: true,
      orderBy: "startTime",
      timeMin: "2026-03-03T00:00:00Z",
      timeMax: "2026-03-05T00:00:00Z",
    });
    expect(window.data.items?.map((e) => [e.id, e.summary, e.start?.dateTime])).toEqual([
      ["standup1_20260303T090000Z", "Standup (moved)", "2026-03-03T13:00:00Z"],
    ]);
    const withDeleted = await api.events.list({ calendarId: "primary", singleEvents: true, showDeleted: true });
    expect(withDeleted.data.items?.find((e) => e.id === "standup1_20260304T090000Z")?.status).toBe("cancelled");

    // A change to the series shows as its (non-exception) instances changed; shortening it cancels the rest.
    await api.events.patch({
      calendarId: "primary",
      eventId: "standup1",
      requestBody: { summary: "Team standup", recurrence: ["RRULE:FREQ=DAILY;COUNT=2"] },
    });
    const changes = await listAll(api, { singleEvents: true, syncToken: first.syncToken });
    expect(changes.items.map((e) => [e.id, e.status, e.summary]).sort()).toEqual([
      ["standup1_20260302T090000Z", "confirmed", "Team standup"],
      ["standup1_20260303T090000Z", "confirmed", "Standup (moved)"],
      ["standup1_20260304T090000Z", "cancelled", undefined],
      ["standup1_20260305T090000Z", "cancelled", undefined],
      ["standup1_20260306T090000Z", "cancelled", undefined],
    ]);

    // Weekly on two days across the US DST change (2026-03-08): the wall time stays 09:00 New York.
    await api.events.insert({
      calendarId: "primary",
      requestBody: {
        id: "series2",
        start: { dateTime: "2026-03-02T09:00:00", timeZone: "America/New_York" },
        end: { dateTime: "2026-03-02T10:00:00", timeZone: "America/New_York" },
        recurrence: [
          "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260312T000000Z",
          "EXDATE;TZID=America/New_York:20260304T090000",
        ],
      },
    });
    const weekly = await api.events.instances({ calendarId: "primary", eventId: "series2" });
    expect(weekly.data.items?.map((e) => e.start?.dateTime)).toEqual([
      "2026-03-02T14:00:00Z",
      "2026-03-09T13:00:00Z",
      "2026-03-11T13:00:00Z",
    ]);
  });

  it("answers 401 after expireAccessTokens and 403 insufficientPermissions for read-only tokens", async () => {
    const { accessToken, tokens } = await connect("expired@example.com");
    fake.expireAccessTokens();
    const expired = await apiError(calendar(accessToken).events.list({ calendarId: "primary" }));
    expect(expired).toMatchObject({ status: 401, reason: "authError" });
    expect(expired.data?.error?.errors?.[0]?.location).toBe("Authorization");
    const refreshed = await oauthClient().refreshAccessToken(fake.tokenUrl, tokens.refreshToken(), []);
    expect((await calendar(refreshed.accessToken()).events.list({ calendarId: "primary" })).status).toBe(200);

    const readonly = await connect("readonly@example.com", {
      scopes: ["https://www.googleapis.com/auth/calendar.readonly"],
    });
    const api = calendar(readonly.accessToken);
    expect((await api.events.list({ calendarId: "primary" })).status).toBe(200);
    const denied = await apiError(
      api.events.insert({ calendarId: "primary", requestBody: timed("2026-03-02T10:00:00Z") }),
    );
    expect(denied).toMatchObject({ status: 403, reason: "insufficientPermissions" });
  });
});

describe("Faults and quota", () => {
  it("429 and 5xx on GET are retried by gaxios; 403 rate limits and PATCH are not", async () => {
    const { accessToken } = await connect("faults@example.com");
    const api = calendar(accessToken);
    const list = { calendarId: "primary" };

    fake.resetCounters();
    fake.fail({ kind: "429" });
    expect((await api.events.list(list)).status).toBe(200);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);

    fake.resetCounters();
    fake.fail({ kind: "429", times: 5 });
    const limited = await apiError(api.events.list(list, { retry: false }));
    expect(limited).toMatchObject({ status: 429, reason: "rateLimitExceeded" });

    fake.resetCounters();
    fake.fail({ kind: "403-rate" });
    expect(await apiError(api.events.list(list))).toMatchObject({ status: 403, reason: "rateLimitExceeded" });
    expect(fake.requests).toHaveLength(1);
    fake.fail({ kind: "403-user-rate" });
    expect(await apiError(api.events.list(list))).toMatchObject({ status: 403, reason: "userRateLimitExceeded" });
    fake.fail({ kind: "403-quota" });
    const quota = await apiError(api.events.list(list));
    expect(quota).toMatchObject({ status: 403, reason: "quotaExceeded" });
    expect(quota.data?.error?.message).toBe("Calendar usage limits exceeded.");

    const ev = fake.createEvent(timed("2026-03-02T10:00:00Z"), undefined, "faults@example.com");
    fake.resetCounters();
    fake.fail({ kind: "500", match: /^PATCH / });
    const backend = await apiError(
      api.events.patch({ calendarId: "primary", eventId: ev.id, requestBody: { summary: "x" } }),
    );
    expect(backend).toMatchObject({ status: 500, reason: "backendError" });
    expect(fake.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["PATCH 500"]);
  });

  it("fails OAuth requests only when matched, slows requests down, and injects seeded random faults", async () => {
    const { tokens } = await connect("faults2@example.com");
    fake.fail({ kind: "503", match: /\/token$/ });
    await expect(oauthClient().refreshAccessToken(fake.tokenUrl, tokens.refreshToken(), [])).rejects.toBeInstanceOf(
      UnexpectedResponseError,
    );
    const api = calendar(tokens.accessToken());

    fake.fail({ kind: "slow", slowMs: 300 });
    const started = Date.now();
    expect((await api.events.list({ calendarId: "primary" })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    const run = async () => {
      fake.resetCounters();
      fake.faultRate(0.5, ["403-rate", "403-quota"], 7);
      for (let i = 0; i < 12; i++) await api.events.list({ calendarId: "primary" }).catch(() => undefined);
      fake.faultRate(0, []);
      return fake.requests.map((r) => r.status);
    };
    const a = await run();
    expect(a).toEqual(await run());
    expect(a.filter((s) => s === 403).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it("enforces the per-user quota over a sliding minute of the clock", async () => {
    const own = new TestClock("2026-03-01T09:00:00Z");
    const limited = await startFakeGoogle({ clock: own, userQuotaPerMinute: 3 });
    try {
      const { accessToken } = await connect("quota@example.com", { f: limited });
      const api = calendar(accessToken, limited);
      for (let i = 0; i < 3; i++) await api.events.list({ calendarId: "primary" });
      expect(await apiError(api.events.list({ calendarId: "primary" }))).toMatchObject({
        status: 403,
        reason: "userRateLimitExceeded",
      });
      own.advance(60_001);
      expect((await api.events.list({ calendarId: "primary" })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("Push notifications", () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let answer = 200;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/google`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("watches a calendar: sync, then exists on every change, until the channel is stopped", async () => {
    const { accessToken } = await connect("watch@example.com");
    const api = calendar(accessToken);
    received.length = 0;
    const requested = clock.now().getTime() + 30 * 24 * 3600_000;
    const { data: channel } = await api.events.watch({
      calendarId: "primary",
      requestBody: {
        id: "chan-1",
        type: "web_hook",
        address: receiverUrl,
        token: "secret-token",
        expiration: String(requested),
      },
    });
    expect(channel).toMatchObject({ kind: "api#channel", id: "chan-1", token: "secret-token" });
    expect(channel.expiration).toBe(String(clock.now().getTime() + 7 * 24 * 3600_000)); // capped at 7 days
    expect(channel.resourceId).toBeTruthy();
    await fake.settled();
    expect(received.map((r) => r.headers["x-goog-resource-state"])).toEqual(["sync"]);
    expect(received[0]?.headers["x-goog-message-number"]).toBe("1");

    fake.createEvent({ summary: "Added in Google", ...timed("2026-03-02T10:00:00Z") }, undefined, "watch@example.com");
    await fake.settled();
    const exists = received[1];
    expect(exists?.body).toBe("");
    expect(exists?.headers).toMatchObject({
      "x-goog-channel-id": "chan-1",
      "x-goog-channel-token": "secret-token",
      "x-goog-resource-id": channel.resourceId,
      "x-goog-resource-state": "exists",
      "x-goog-channel-expiration": new Date(Number(channel.expiration)).toUTCString(),
    });
    expect(exists?.headers["user-agent"]).toMatch(/^APIs-Google/);
    expect(exists?.headers["x-goog-resource-uri"]).toContain("/calendar/v3/calendars/primary/events");
    expect(Number(exists?.headers["x-goog-message-number"])).toBeGreaterThan(2);
    expect(fake.channels.map((c) => [c.id, c.account])).toContainEqual(["chan-1", "watch@example.com"]);

    const duplicate = await apiError(
      api.events.watch({
        calendarId: "primary",
        requestBody: { id: "chan-1", type: "web_hook", address: receiverUrl },
      }),
    );
    expect(duplicate).toMatchObject({ status: 400, reason: "channelIdNotUnique" });

    // A receiver answering 503 is retried.
    answer = 503;
    fake.createEvent(timed("2026-03-03T10:00:00Z"), undefined, "watch@example.com");
    await fake.settled();
    answer = 200;
    expect(fake.notifications.filter((n) => n.channelId === "chan-1").map((n) => n.status)).toEqual([
      200, 200, 503, 503, 503,
    ]);

    expect((await api.channels.stop({ requestBody: { id: "chan-1", resourceId: channel.resourceId } })).status).toBe(
      204,
    );
    const countBefore = received.length;
    fake.createEvent(timed("2026-03-04T10:00:00Z"), undefined, "watch@example.com");
    await fake.settled();
    expect(received.length).toBe(countBefore);
    expect(
      await apiError(api.channels.stop({ requestBody: { id: "chan-1", resourceId: channel.resourceId } })),
    ).toMatchObject({ status: 404 });
  });

  it("drops channels when they expire on the clock", async () => {
    const { accessToken } = await connect("watch2@example.com");
    const api = calendar(accessToken);
    await api.events.watch({
      calendarId: "primary",
      requestBody: {
        id: "chan-2",
        type: "web_hook",
        address: receiverUrl,
        expiration: String(clock.now().getTime() + 3600_000),
      },
    });
    await fake.settled();
    clock.advance(3600_001);
    const before = received.length;
    fake.createEvent(timed("2026-03-05T10:00:00Z"), undefined, "watch2@example.com");
    await fake.settled();
    expect(received.length).toBe(before);
    expect(fake.channels.find((c) => c.id === "chan-2")).toBeUndefined();
  });
});
