import { createSession, ManualClock, runCalendarSync } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { createGoogleCalendarSync } from "@crm/integrations";
import { type FakeGoogle, startFakeGoogle } from "@crm/testing/fake-google";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";

const testDb = useTestDatabase();
const clock = new ManualClock("2026-03-02T09:00:00Z");
let app: App;
let fake: FakeGoogle;
let calendar: ReturnType<typeof createGoogleCalendarSync>;
const appUrl = "http://localhost:3000";

beforeAll(async () => {
  fake = await startFakeGoogle({ clock });
  calendar = createGoogleCalendarSync({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    tokenEncryptionKey: Buffer.alloc(32, 3).toString("base64"),
    appUrl,
    authUrl: fake.authUrl,
    tokenUrl: fake.tokenUrl,
    revokeUrl: fake.revokeUrl,
    apiUrl: `${fake.url}/`,
    // Google wants HTTPS; the fake accepts this, and nothing here needs it to be reachable.
    pushUrl: `${appUrl}/webhooks/google-calendar`,
    quotaPerMinute: 100,
  });
  app = await buildApp({ db: testDb().db, clock, appUrl, webDistDir: null, calendar });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

async function signedIn() {
  const ctx = { db: testDb().db, clock };
  const user = await createTestUser(ctx);
  const { token } = await createSession(ctx, user.id);
  return { user, cookie: `crm_session=${token}` };
}

async function trpc(path: string, cookie: string, input?: unknown) {
  const response = await app.inject({
    method: "POST",
    url: `/trpc/${path}`,
    headers: { cookie, origin: appUrl, "content-type": "application/json" },
    payload: JSON.stringify(input === undefined ? {} : { json: input }),
  });
  return { status: response.statusCode, body: response.json() };
}

describe("Google OAuth callback", () => {
  it("connects through consent and redirects to Settings", async () => {
    const { user, cookie } = await signedIn();
    fake.signInAs("route-user@example.com");
    const started = await trpc("calendarSync.connect", cookie, { calendarId: "primary" });
    expect(started.status).toBe(200);
    const consentUrl = new URL(started.body.result.data.json.url);
    expect(consentUrl.origin).toBe(fake.url);
    expect(consentUrl.searchParams.get("access_type")).toBe("offline");
    expect(consentUrl.searchParams.get("prompt")).toBe("consent");
    expect(consentUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(consentUrl.searchParams.get("scope")).toBe("https://www.googleapis.com/auth/calendar.events");
    expect(consentUrl.searchParams.get("redirect_uri")).toBe(`${appUrl}/auth/google/callback`);

    const back = await fake.approve(consentUrl);
    const callback = await app.inject({ method: "GET", url: `${back.pathname}${back.search}`, headers: { cookie } });
    expect(callback.statusCode).toBe(302);
    expect(callback.headers.location).toBe("/settings?google=connected");
    const status = await app.inject({ method: "GET", url: "/trpc/calendarSync.status", headers: { cookie } });
    expect(status.json().result.data.json).toMatchObject({ configured: true, status: "connected" });
    const [row] = await testDb()
      .db.select()
      .from(schema.calendarConnections)
      .where(eq(schema.calendarConnections.userId, user.id));
    expect(row?.refreshTokenEnc).toMatch(/^v1\./);
  });

  it("sends a signed-out browser to sign in, and explains a bad or declined answer", async () => {
    const signedOut = await app.inject({ method: "GET", url: "/auth/google/callback?code=x&state=y" });
    expect(signedOut.statusCode).toBe(302);
    expect(signedOut.headers.location).toBe("/login?redirect=%2Fsettings");

    const { cookie } = await signedIn();
    const bogus = await app.inject({
      method: "GET",
      url: "/auth/google/callback?code=x&state=nope",
      headers: { cookie },
    });
    expect(decodeURIComponent(String(bogus.headers.location))).toContain("not valid for your account");
    const incomplete = await app.inject({ method: "GET", url: "/auth/google/callback", headers: { cookie } });
    expect(decodeURIComponent(String(incomplete.headers.location))).toContain("incomplete");
  });

  it("refuses a calendar id with spaces, naming the field", async () => {
    const { cookie } = await signedIn();
    const bad = await trpc("calendarSync.connect", cookie, { calendarId: "my calendar" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.json.data.field).toBe("calendarId");
  });
});

describe("POST /webhooks/google-calendar", () => {
  it("checks the channel id and token, and refuses malformed notifications", async () => {
    const { user, cookie } = await signedIn();
    fake.signInAs("webhook-user@example.com");
    const started = await trpc("calendarSync.connect", cookie, {});
    const back = await fake.approve(started.body.result.data.json.url);
    await app.inject({ method: "GET", url: `${back.pathname}${back.search}`, headers: { cookie } });
    const [connection] = await testDb()
      .db.select()
      .from(schema.calendarConnections)
      .where(eq(schema.calendarConnections.userId, user.id));
    await runCalendarSync({ db: testDb().db, clock, calendar }, connection!.id);
    const [withChannel] = await testDb()
      .db.select()
      .from(schema.calendarConnections)
      .where(eq(schema.calendarConnections.id, connection!.id));
    expect(withChannel?.channelId).toBeTruthy();

    const headers = {
      "x-goog-channel-id": withChannel!.channelId!,
      "x-goog-channel-token": withChannel!.channelToken!,
      "x-goog-resource-id": withChannel!.channelResourceId!,
      "x-goog-resource-state": "exists",
      "x-goog-message-number": "7",
    };
    const post = (h: Record<string, string>) =>
      app.inject({ method: "POST", url: "/webhooks/google-calendar", headers: { ...h, "content-length": "0" } });
    expect((await post(headers)).statusCode).toBe(200);
    expect((await post({ ...headers, "x-goog-resource-state": "sync" })).statusCode).toBe(200);
    expect((await post({ ...headers, "x-goog-channel-token": "wrong" })).statusCode).toBe(401);
    expect((await post({ ...headers, "x-goog-channel-id": "unknown-channel" })).statusCode).toBe(404);
    const missing = await post({ "x-goog-channel-id": "x" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toContain("x-goog-resource-state");
  });
});

describe("/health", () => {
  it("reports Google API calls against the quota", async () => {
    const response = await app.inject({ method: "GET", url: "/health" });
    expect(response.json().google).toMatchObject({ quotaPerMinute: 100 });
  });
});
