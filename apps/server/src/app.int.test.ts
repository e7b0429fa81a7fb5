import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SessionCache } from "@crm/api";
import { invalidateSession, ManualClock, validateSessionToken } from "@crm/core";
import { TEST_PASSWORD, uniqueEmail } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";

const testDb = useTestDatabase();
const APP_URL = "http://localhost:3000";
const ORIGIN = { origin: APP_URL };
let app: App;
let webDir: string;
const clock = new ManualClock();

beforeAll(async () => {
  webDir = mkdtempSync(path.join(tmpdir(), "crm-web-"));
  writeFileSync(path.join(webDir, "index.html"), "<!doctype html><title>CRM</title>");
  app = await buildApp({ db: testDb().db, clock, appUrl: APP_URL, webDistDir: webDir });
});
afterAll(() => app.close());

type Json = { json: unknown };
const body = (input: unknown): Json => ({ json: input });

async function call(procedure: string, input?: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: "POST",
    url: `/trpc/${procedure}`,
    headers: { "content-type": "application/json", ...ORIGIN, ...headers },
    payload: input === undefined ? "{}" : JSON.stringify(body(input)),
  });
}

async function query(procedure: string, headers: Record<string, string> = {}) {
  return app.inject({ method: "GET", url: `/trpc/${procedure}`, headers });
}

function sessionCookie(response: { headers: Record<string, unknown> }): string {
  const header = String(response.headers["set-cookie"] ?? "");
  const match = /crm_session=([^;]*)/.exec(header);
  if (!match) throw new Error(`no session cookie in ${header}`);
  return `crm_session=${match[1]}`;
}

async function signUp() {
  const email = uniqueEmail("http");
  const response = await call("auth.signup", { email, password: TEST_PASSWORD, name: "Http User" });
  expect(response.statusCode).toBe(200);
  return { email, cookie: sessionCookie(response) };
}

describe("HTTP app", () => {
  it("reports the database in /health", async () => {
    const response = await app.inject({ method: "GET", url: "/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "ok", database: { status: "up" } });
  });

  it("signs up with a session cookie that is HttpOnly and SameSite=Lax, then knows the user", async () => {
    const email = uniqueEmail("cookie");
    const response = await call("auth.signup", { email, password: TEST_PASSWORD, name: "Cookie" });
    const setCookie = String(response.headers["set-cookie"]);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/); // plain-HTTP localhost only
    const me = await query("auth.me", { cookie: sessionCookie(response) });
    expect(me.json().result.data.json).toMatchObject({ email, name: "Cookie" });
  });

  it("sends security headers", async () => {
    const response = await app.inject({ method: "GET", url: "/health" });
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("names the field of invalid input, without a stack trace", async () => {
    const response = await call("auth.signup", { email: "nope", password: TEST_PASSWORD, name: "X" });
    expect(response.statusCode).toBe(400);
    const error = response.json().error.json;
    expect(error.message).toBe("Enter a valid email address");
    expect(error.data).toMatchObject({ code: "BAD_REQUEST", field: "email" });
    expect(JSON.stringify(error)).not.toMatch(/at .*\.ts/);
  });

  it("refuses a short password and a taken email with clear messages", async () => {
    const short = await call("auth.signup", { email: uniqueEmail(), password: "short", name: "X" });
    expect(short.json().error.json).toMatchObject({
      message: "Password must be at least 10 characters",
      data: { field: "password" },
    });
    const { email } = await signUp();
    const taken = await call("auth.signup", { email: email.toUpperCase(), password: TEST_PASSWORD, name: "X" });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.json).toMatchObject({
      message: "An account with this email already exists",
      data: { field: "email" },
    });
  });

  it("answers a batch in one JSON body with a Content-Length, a failing call in it with its own error", async () => {
    const { email, cookie } = await signUp();
    const input = encodeURIComponent(JSON.stringify({ 0: {}, 1: { json: { id: "not-a-uuid" } } }));
    const response = await query(`auth.me,clients.get?batch=1&input=${input}`, { cookie });
    expect(response.statusCode).toBe(207); // tRPC's status for a batch with mixed results
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(Number(response.headers["content-length"])).toBe(Buffer.byteLength(response.body));
    expect(response.headers["transfer-encoding"]).toBeUndefined();
    const [me, get] = response.json() as [
      { result: { data: { json: { email: string } } } },
      { error: { json: { data: { code: string } } } },
    ];
    expect(me.result.data.json.email).toBe(email);
    expect(get.error.json.data.code).toBe("BAD_REQUEST");
  });

  it("answers malformed JSON, oversized bodies and unknown procedures with 4xx", async () => {
    const malformed = await app.inject({
      method: "POST",
      url: "/trpc/auth.login",
      headers: { "content-type": "application/json", ...ORIGIN },
      payload: '{"json": {"email": ',
    });
    expect(malformed.statusCode).toBe(400);
    const huge = await app.inject({
      method: "POST",
      url: "/trpc/auth.login",
      headers: { "content-type": "application/json", ...ORIGIN },
      payload: JSON.stringify(body({ email: "a@b.co", password: "x".repeat(2_000_000) })),
    });
    expect(huge.statusCode).toBe(413);
    const unknown = await call("auth.nothingHere", {});
    expect(unknown.statusCode).toBe(404);
  });

  it("treats a missing or tampered cookie as signed out and clears it", async () => {
    const { cookie } = await signUp();
    const tampered = await query("auth.me", { cookie: `${cookie.slice(0, -2)}zz` });
    expect(tampered.json().result.data.json).toBeNull();
    expect(String(tampered.headers["set-cookie"])).toMatch(/Max-Age=0/);
    const settings = await query("settings.get");
    expect(settings.statusCode).toBe(401);
    expect(settings.json().error.json.message).toBe("Please sign in");
  });

  it("refuses mutations from another origin, and ignores the cookie on mutations without an Origin", async () => {
    const { cookie } = await signUp();
    const foreign = await call("settings.update", { name: "Evil" }, { cookie, origin: "https://evil.example" });
    expect(foreign.statusCode).toBe(403);
    const noOrigin = await app.inject({
      method: "POST",
      url: "/trpc/settings.update",
      headers: { "content-type": "application/json", cookie },
      payload: JSON.stringify(body({ name: "Evil" })),
    });
    expect(noOrigin.statusCode).toBe(401);
    const me = await query("auth.me", { cookie });
    expect(me.json().result.data.json.name).toBe("Http User");
  });

  it("signs out on the server: the old cookie no longer works", async () => {
    const { cookie } = await signUp();
    const logout = await call("auth.logout", undefined, { cookie });
    expect(logout.statusCode).toBe(200);
    expect(String(logout.headers["set-cookie"])).toMatch(/Max-Age=0/);
    expect((await query("auth.me", { cookie })).json().result.data.json).toBeNull();
  });

  it("sees a sign-out made by another server process within the session cache's 2 seconds", async () => {
    const { cookie } = await signUp();
    expect((await query("auth.me", { cookie })).json().result.data.json).not.toBeNull();
    // Another process ends the session in the database; this one still remembers it briefly.
    const token = cookie.split("=")[1]!;
    const session = await validateSessionToken({ db: testDb().db, clock }, token);
    if (session.status !== "valid") throw new Error("expected a valid session");
    await invalidateSession({ db: testDb().db, clock }, session.sessionId);
    clock.advance(SessionCache.TTL_MS);
    expect((await query("auth.me", { cookie })).json().result.data.json).toBeNull();
  });

  it("throttles sign-in with 429 and Retry-After, without saying whether the email exists", async () => {
    for (const email of [(await signUp()).email, uniqueEmail("ghost")]) {
      for (let i = 0; i < 5; i++) {
        const wrong = await call("auth.login", { email, password: "wrong-password" });
        expect(wrong.statusCode).toBe(401);
        expect(wrong.json().error.json.message).toBe("Invalid email or password");
      }
      const throttled = await call("auth.login", { email, password: TEST_PASSWORD });
      expect(throttled.statusCode).toBe(429);
      expect(Number(throttled.headers["retry-after"])).toBe(3600);
      expect(throttled.json().error.json.message).toMatch(/Too many failed sign-in attempts/);
    }
  });

  it("serves the web app with SPA fallback, and JSON 404s elsewhere", async () => {
    for (const url of ["/", "/clients?sort=name", "/settings"]) {
      const page = await app.inject({ method: "GET", url, headers: { accept: "text/html" } });
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toContain("<title>CRM</title>");
      expect(page.headers["cache-control"]).toBe("no-cache");
    }
    const missingApi = await app.inject({ method: "GET", url: "/api/v1/nothing", headers: { accept: "text/html" } });
    expect(missingApi.statusCode).toBe(404);
    expect(missingApi.json()).toMatchObject({ error: "Not found" });
    const missingAsset = await app.inject({ method: "GET", url: "/assets/missing.js" });
    expect(missingAsset.statusCode).toBe(404);
  });

  it("serves the private calendar feed by its secret URL only", async () => {
    const { cookie } = await signUp();
    const rotated = await call("calendarFeed.rotate", undefined, { cookie });
    const url = new URL(rotated.json().result.data.json.url);
    expect(url.origin).toBe(APP_URL);
    const feed = await app.inject({ method: "GET", url: url.pathname });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers["content-type"]).toContain("text/calendar");
    expect(feed.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
    const wrong = await app.inject({ method: "GET", url: "/feeds/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ics" });
    expect(wrong.statusCode).toBe(404);
    await call("calendarFeed.revoke", undefined, { cookie });
    expect((await app.inject({ method: "GET", url: url.pathname })).statusCode).toBe(404);
  });

  it("takes a CSV upload up to 10 MB from a signed-in user and answers its preview", async () => {
    const { cookie } = await signUp();
    const upload = (payload: string | Buffer, headers: Record<string, string> = {}) =>
      app.inject({
        method: "POST",
        url: "/api/v1/imports?filename=contacts.csv",
        headers: { "content-type": "text/csv", ...ORIGIN, cookie, ...headers },
        payload,
      });
    const ok = await upload("First Name,Email\nAda,ada@example.com\n");
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      filename: "contacts.csv",
      headers: ["First Name", "Email"],
      mapping: { 0: "firstName", 1: "email" },
    });
    const binary = await upload(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0, 1, 2]));
    expect(binary.statusCode).toBe(400);
    expect(binary.json()).toMatchObject({ field: "file", error: expect.stringMatching(/not a CSV/i) });
    const huge = await upload(Buffer.alloc(10 * 1024 * 1024 + 4096, 97));
    expect(huge.statusCode).toBe(413);
    const anonymous = await upload("a\n1\n", { cookie: "" });
    expect(anonymous.statusCode).toBe(401);
    const foreign = await upload("a\n1\n", { origin: "https://evil.example" });
    expect(foreign.statusCode).toBe(403);
  });

  it("uses a __Host- Secure cookie behind HTTPS", async () => {
    const secureApp = await buildApp({ db: testDb().db, appUrl: "https://crm.example.com", webDistDir: null });
    try {
      const response = await secureApp.inject({
        method: "POST",
        url: "/trpc/auth.signup",
        headers: { "content-type": "application/json", origin: "https://crm.example.com" },
        payload: JSON.stringify(body({ email: uniqueEmail(), password: TEST_PASSWORD, name: "Secure" })),
      });
      expect(String(response.headers["set-cookie"])).toMatch(/^__Host-crm_session=[a-z2-7]{32}; .*Secure/);
    } finally {
      await secureApp.close();
    }
  });
});
