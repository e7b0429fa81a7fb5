/** OAuth: consent page, code exchange, refresh, revoke and userinfo through arctic and google-auth-library. */
import { decodeIdToken, generateCodeVerifier } from "arctic";
import { google } from "googleapis";
import { describe, expect, it } from "vitest";
import { apiError, oauthError, REDIRECT, TestClock, useFakeGoogle } from "./clients.test-util";
import { GOOGLE_CALENDAR_EVENTS_SCOPE, startFakeGoogle } from "./index";

const { fake, oauthClient, authorizationUrl, connect, calendar } = useFakeGoogle();

describe("OAuth through arctic", () => {
  it("connects: consent, code exchange, refresh, revoke", async () => {
    const { tokens } = await connect("oauth1@example.com");
    expect(tokens.tokenType()).toBe("Bearer");
    expect(tokens.accessToken()).toMatch(/^ya29\./);
    expect(tokens.accessTokenExpiresInSeconds()).toBe(3599);
    expect(tokens.scopes()).toEqual([GOOGLE_CALENDAR_EVENTS_SCOPE]);
    expect(tokens.refreshToken()).toMatch(/^1\/\//);

    const refreshed = await oauthClient().refreshAccessToken(fake().tokenUrl, tokens.refreshToken(), []);
    expect(refreshed.accessToken()).not.toBe(tokens.accessToken());
    expect(refreshed.hasRefreshToken()).toBe(false); // Google's usual answer: the refresh token stays the same
    expect(refreshed.scopes()).toEqual([GOOGLE_CALENDAR_EVENTS_SCOPE]);
    const { status } = await calendar(refreshed.accessToken()).events.list({ calendarId: "primary" });
    expect(status).toBe(200);

    await oauthClient().revokeToken(fake().revokeUrl, tokens.refreshToken());
    const error = await oauthError(oauthClient().refreshAccessToken(fake().tokenUrl, tokens.refreshToken(), []));
    expect(error.code).toBe("invalid_grant");
    expect(error.description).toBe("Token has been expired or revoked.");
    // Revoking the refresh token revoked every access token of the grant too.
    const denied = await apiError(calendar(refreshed.accessToken()).events.list({ calendarId: "primary" }));
    expect(denied).toMatchObject({ status: 401, reason: "authError" });
    expect((await oauthError(oauthClient().revokeToken(fake().revokeUrl, tokens.refreshToken()))).code).toBe(
      "invalid_token",
    );
  });

  it("refuses replayed codes, wrong verifiers, wrong redirect URIs and wrong client secrets", async () => {
    const first = authorizationUrl(fake());
    const code = (await fake().approve(first.url)).searchParams.get("code") ?? "";
    await oauthClient().validateAuthorizationCode(fake().tokenUrl, code, first.verifier);
    const replay = await oauthError(oauthClient().validateAuthorizationCode(fake().tokenUrl, code, first.verifier));
    expect(replay.code).toBe("invalid_grant");

    const second = authorizationUrl(fake());
    const code2 = (await fake().approve(second.url)).searchParams.get("code") ?? "";
    const badSecret = await oauthError(
      oauthClient(fake(), "wrong").validateAuthorizationCode(fake().tokenUrl, code2, second.verifier),
    );
    expect(badSecret.code).toBe("invalid_client");
    const badRedirect = await oauthError(
      oauthClient(fake(), fake().clientSecret, "http://localhost/other").validateAuthorizationCode(
        fake().tokenUrl,
        code2,
        second.verifier,
      ),
    );
    expect(badRedirect.code).toBe("redirect_uri_mismatch");
    const badVerifier = await oauthError(
      oauthClient().validateAuthorizationCode(fake().tokenUrl, code2, generateCodeVerifier()),
    );
    expect(badVerifier).toMatchObject({ code: "invalid_grant", description: "Invalid code verifier." });
    expect((await oauthError(oauthClient().validateAuthorizationCode(fake().tokenUrl, "4/garbage", null))).code).toBe(
      "invalid_grant",
    );
    expect((await oauthError(oauthClient().refreshAccessToken(fake().tokenUrl, "1//unknown", []))).code).toBe(
      "invalid_grant",
    );
  });

  it("validates the authorization URL like the consent page does, and denies", async () => {
    const { url, state } = authorizationUrl(fake());
    const noPkce = new URL(url);
    noPkce.searchParams.delete("code_challenge");
    await expect(fake().approve(noPkce)).rejects.toThrow(/code_challenge/);
    const page = await fetch(noPkce);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("Missing required parameter: code_challenge");

    const noRedirect = new URL(url);
    noRedirect.searchParams.delete("redirect_uri");
    const page2 = await fetch(noRedirect);
    expect(page2.status).toBe(400);
    expect(await page2.text()).toMatch(/Error 400: invalid_request[\s\S]*redirect_uri/);
    await expect(
      fake().approve(new URL(url.toString().replace(fake().url, "https://accounts.google.com"))),
    ).rejects.toThrow();

    const denied = await fake().deny(url);
    expect(`${denied.origin}${denied.pathname}`).toBe(REDIRECT);
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe(state);
  });

  it("serves an HTML consent page whose Allow/Deny forms redirect back to the app", async () => {
    fake().signInAs("page@example.com");
    try {
      const { url, state, verifier } = authorizationUrl(fake());
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("page@example.com");
      expect(html).toContain(fake().clientId);
      expect(html).toContain(GOOGLE_CALENDAR_EVENTS_SCOPE);
      expect(html).toMatch(/<button[^>]*>Allow<\/button>/);
      expect(html).toMatch(/<button[^>]*>Deny<\/button>/);
      const consent = /name="consent" value="([^"]+)"/.exec(html)?.[1] ?? "";
      const allow = await fetch(`${fake().url}/o/oauth2/v2/auth/decision`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ consent, decision: "allow", scope: GOOGLE_CALENDAR_EVENTS_SCOPE }),
        redirect: "manual",
      });
      expect(allow.status).toBe(302);
      const location = new URL(allow.headers.get("location") ?? "");
      expect(location.searchParams.get("state")).toBe(state);
      const tokens = await oauthClient().validateAuthorizationCode(
        fake().tokenUrl,
        location.searchParams.get("code") ?? "",
        verifier,
      );
      const { data } = await calendar(tokens.accessToken()).events.list({ calendarId: "primary" });
      expect(data.summary).toBe("page@example.com");
      // The page is single use.
      const again = await fetch(`${fake().url}/o/oauth2/v2/auth/decision`, {
        method: "POST",
        body: new URLSearchParams({ consent, decision: "allow" }),
        redirect: "manual",
      });
      expect(again.status).toBe(400);
    } finally {
      fake().signInAs("coach@example.com");
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
    expect(decodeIdToken(tokens.idToken())).toMatchObject({ email: "oidc@example.com", aud: fake().clientId });
    const info = await fetch(fake().userinfoUrl, { headers: { authorization: `Bearer ${tokens.accessToken()}` } });
    expect(await info.json()).toMatchObject({ email: "oidc@example.com", email_verified: true });

    const silent = authorizationUrl(fake(), scopes, false);
    silent.url.searchParams.set("prompt", "none");
    try {
      fake().signInAs("oidc@example.com");
      const known = await fetch(silent.url, { redirect: "manual" });
      expect(known.status).toBe(302);
      // An authorization code in Google's shape, sent back with the request's state.
      const approved = new URL(known.headers.get("location") ?? "").searchParams;
      expect(approved.get("code")).toMatch(/^4\/0A[\w-]{20,}$/);
      expect(approved.get("state")).toBe(silent.state);
      fake().signInAs("stranger@example.com");
      const unknown = await fetch(silent.url, { redirect: "manual" });
      expect(new URL(unknown.headers.get("location") ?? "").searchParams.get("error")).toBe("consent_required");
    } finally {
      fake().signInAs("coach@example.com");
    }
  });

  it("works with google-auth-library too (client secret in the body, automatic refresh, revoke in the query)", async () => {
    const { url, verifier } = authorizationUrl(fake());
    const code = (await fake().approve(url, { account: "gal@example.com" })).searchParams.get("code") ?? "";
    const auth = new google.auth.OAuth2({
      clientId: fake().clientId,
      clientSecret: fake().clientSecret,
      redirectUri: REDIRECT,
      endpoints: { oauth2TokenUrl: fake().tokenUrl, oauth2RevokeUrl: fake().revokeUrl },
    });
    const { tokens } = await auth.getToken({ code, codeVerifier: verifier });
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    // An access token past its expiry date: the client refreshes it before calling.
    auth.setCredentials({ ...tokens, expiry_date: Date.now() - 1000 });
    fake().resetCounters();
    const api = google.calendar({ version: "v3", rootUrl: `${fake().url}/`, auth });
    expect((await api.events.list({ calendarId: "primary" })).status).toBe(200);
    expect(fake().requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.account}`)).toEqual([
      "POST /token 200 gal@example.com",
      "GET /calendar/v3/calendars/primary/events 200 gal@example.com",
    ]);
    await auth.revokeToken(tokens.refresh_token ?? "");
    expect(await apiError(api.events.list({ calendarId: "primary" }))).toMatchObject({ status: 401 });
  });
});
