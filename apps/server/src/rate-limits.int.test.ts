import { Writable } from "node:stream";
import { ManualClock } from "@crm/core";
import { createSignedInUser, uniqueEmail } from "@crm/core/testing";
import { createDb, type DbHandle } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, type AppOptions, buildApp } from "./app";

const testDb = useTestDatabase();
const APP_URL = "http://localhost:3000";
const ORIGIN = { origin: APP_URL };
const clock = new ManualClock("2026-04-01T09:15:00Z");

// Each "process" has its own pool, as two servers on one database would.
const pools: DbHandle[] = [];
const apps: App[] = [];
const logs: string[] = [];

async function startApp(options: Partial<AppOptions> = {}): Promise<App> {
  const pool = createDb(testDb().url, { max: 8, applicationName: "crm-limits-test" });
  pools.push(pool);
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildApp({
    db: pool.db,
    clock,
    appUrl: APP_URL,
    webDistDir: null,
    logger: { level: "warn", stream },
    limits: { perUserPerHour: 10, authPerIpPerMinute: 3 },
    ...options,
  });
  apps.push(app);
  return app;
}

afterAll(async () => {
  for (const app of apps) await app.close();
  for (const pool of pools) await pool.close();
});

async function signedIn() {
  const { user, token } = await createSignedInUser({ db: testDb().db, clock });
  return { user, cookie: `crm_session=${token}` };
}

const me = (app: App, cookie: string) => app.inject({ method: "GET", url: "/trpc/auth.me", headers: { cookie } });

const createClient = (app: App, cookie: string, firstName: string) =>
  app.inject({
    method: "POST",
    url: "/trpc/clients.create",
    headers: { "content-type": "application/json", cookie, ...ORIGIN },
    payload: JSON.stringify({ json: { firstName } }),
  });

const login = (app: App, headers: Record<string, string> = {}, remoteAddress = "127.0.0.1") =>
  app.inject({
    method: "POST",
    remoteAddress,
    url: "/trpc/auth.login",
    headers: { "content-type": "application/json", ...ORIGIN, ...headers },
    // A new email each time: the per-email sign-in throttle must not be what answers.
    payload: JSON.stringify({ json: { email: uniqueEmail("nobody"), password: "not-the-password" } }),
  });

const headersOf = (response: { headers: Record<string, unknown> }) => ({
  limit: response.headers["ratelimit-limit"],
  remaining: response.headers["ratelimit-remaining"],
  reset: response.headers["ratelimit-reset"],
  retryAfter: response.headers["retry-after"],
});

describe("the hourly budget per user", () => {
  let first: App;
  let second: App;
  beforeAll(async () => {
    first = await startApp();
    second = await startApp();
  });

  it("puts RateLimit-* headers on every signed-in answer: limit, what is left, seconds to the hour's end", async () => {
    clock.set("2026-04-01T09:15:00Z");
    const { cookie } = await signedIn();
    const one = await me(first, cookie);
    expect(one.statusCode).toBe(200);
    expect(headersOf(one)).toEqual({ limit: "10", remaining: "9", reset: String(45 * 60), retryAfter: undefined });
    // A batch of calls is one request; an unknown procedure still answers with the headers.
    const input = encodeURIComponent(JSON.stringify({ 0: {}, 1: {} }));
    const batch = await first.inject({
      method: "GET",
      url: `/trpc/auth.me,auth.me?batch=1&input=${input}`,
      headers: { cookie },
    });
    expect(batch.statusCode).toBe(200);
    expect(headersOf(batch).remaining).toBe("8");
    const unknown = await first.inject({ method: "GET", url: "/trpc/auth.nothingHere", headers: { cookie } });
    expect(unknown.statusCode).toBe(404);
    expect(headersOf(unknown).remaining).toBe("7");
    // Signed out: no budget, no headers.
    const anonymous = await first.inject({ method: "GET", url: "/trpc/auth.me" });
    expect(anonymous.headers["ratelimit-limit"]).toBeUndefined();
  });

  it("gives two processes on one database together exactly the limit, then 429 with Retry-After on both", async () => {
    clock.set("2026-04-01T09:30:00Z");
    const { cookie } = await signedIn();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await me(i % 2 ? second : first, cookie);
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        expect(headersOf(response)).toEqual({ limit: "10", remaining: "0", reset: "1800", retryAfter: "1800" });
        expect(response.json().error.json).toMatchObject({
          message: "You have used all 10 requests allowed per hour. Try again in 30 minutes.",
          data: { code: "TOO_MANY_REQUESTS", details: { retryAfterSeconds: 1800, limit: 10 } },
        });
      }
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429, 429]);
  });

  it("refuses a mutation past the budget before it runs", async () => {
    clock.set("2026-04-01T09:40:00Z");
    const { cookie, user } = await signedIn();
    for (let i = 0; i < 10; i++)
      expect((await createClient(i % 2 ? first : second, cookie, `C${i}`)).statusCode).toBe(200);
    const refused = await createClient(first, cookie, "Eleventh");
    expect(refused.statusCode).toBe(429);
    const [row] = await testDb().db.execute<{ n: number }>(
      sql`select count(*)::int as n from clients where user_id = ${user.id}`,
    );
    expect(row?.n).toBe(10);
    // Signing out is never refused.
    const logout = await first.inject({
      method: "POST",
      url: "/trpc/auth.logout",
      headers: { "content-type": "application/json", cookie, ...ORIGIN },
      payload: "{}",
    });
    expect(logout.statusCode).toBe(200);
    expect(logout.headers["ratelimit-remaining"]).toBe("0");
  });

  it("never answers 500 nor over-grants under a burst of parallel requests across both processes", async () => {
    clock.set("2026-04-01T09:45:00Z");
    const users = await Promise.all([signedIn(), signedIn(), signedIn()]);
    const responses = await Promise.all(
      Array.from({ length: 90 }, (_, i) => {
        const { cookie } = users[i % 3]!;
        return i % 4 === 0 ? createClient(i % 2 ? first : second, cookie, `P${i}`) : me(i % 2 ? first : second, cookie);
      }),
    );
    const byUser = users.map((_, u) => responses.filter((_, i) => i % 3 === u).map((r) => r.statusCode));
    for (const statuses of byUser) {
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    }
  });

  it("starts a fresh budget when the clock hour turns", async () => {
    clock.set("2026-04-01T09:59:00Z");
    const { cookie } = await signedIn();
    for (let i = 0; i < 10; i++) await me(first, cookie);
    const refused = await me(second, cookie);
    expect(refused.statusCode).toBe(429);
    expect(headersOf(refused).retryAfter).toBe("60");
    clock.set("2026-04-01T10:00:00Z");
    const fresh = await me(second, cookie);
    expect(fresh.statusCode).toBe(200);
    expect(headersOf(fresh)).toMatchObject({ remaining: "9", reset: "3600" });
  });

  it("lists users past 80% in /health as a count only, and logs each once across processes", async () => {
    clock.set("2026-04-01T11:05:00Z");
    const quiet = await first.inject({ method: "GET", url: "/health" });
    expect(quiet.json()).toMatchObject({ warnings: [], requests: { usersNearLimit: 0, limitPerHour: 10 } });
    const { cookie, user } = await signedIn();
    for (let i = 0; i < 7; i++) await me(i % 2 ? first : second, cookie);
    expect((await second.inject({ method: "GET", url: "/health" })).json().requests.usersNearLimit).toBe(0);
    for (let i = 0; i < 5; i++) await me(i % 2 ? first : second, cookie);
    const health = await second.inject({ method: "GET", url: "/health" });
    expect(health.statusCode).toBe(200);
    expect(health.json().warnings).toEqual(["1 user(s) used 80% or more of their hourly request budget (10)"]);
    expect(health.body).not.toContain(user.id);
    const warnings = logs.filter((line) => line.includes("80% of the hourly request budget") && line.includes(user.id));
    expect(warnings).toHaveLength(1);
  });

  it("counts the REST routes that use the session: the CSV upload answers 429 past the budget", async () => {
    clock.set("2026-04-01T12:00:00Z");
    const { cookie } = await signedIn();
    for (let i = 0; i < 10; i++) await me(first, cookie);
    const upload = await second.inject({
      method: "POST",
      url: "/api/v1/imports?filename=c.csv",
      headers: { "content-type": "text/csv", cookie, ...ORIGIN },
      payload: "first name\nAda\n",
    });
    expect(upload.statusCode).toBe(429);
    expect(headersOf(upload)).toMatchObject({ limit: "10", remaining: "0", retryAfter: "3600" });
    expect(upload.json().error).toMatch(/Try again in 1 hour\./);
  });
});

describe("sign-in attempts per client IP", () => {
  it("without TRUST_PROXY, counts the socket's address: X-Forwarded-For changes nothing", async () => {
    clock.set("2026-04-01T13:00:10Z");
    const app = await startApp();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(app, { "x-forwarded-for": `203.0.113.${i}` })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const refused = await login(app, { "x-forwarded-for": "198.51.100.7" });
    expect(refused.statusCode).toBe(429);
    expect(headersOf(refused)).toEqual({ limit: "3", remaining: "0", reset: "50", retryAfter: "50" });
    expect(refused.json().error.json.message).toBe("Too many attempts from your network. Try again in 50 seconds.");
    // Each action has its own budget; the next minute starts afresh.
    const signup = await app.inject({
      method: "POST",
      url: "/trpc/auth.signup",
      headers: { "content-type": "application/json", ...ORIGIN },
      payload: JSON.stringify({ json: { email: "x", password: "y", name: "z" } }),
    });
    expect(signup.statusCode).toBe(400);
    clock.set("2026-04-01T13:01:00Z");
    expect((await login(app)).statusCode).toBe(401);
  });

  it("behind a trusted proxy, the client named in X-Forwarded-For has its own budget", async () => {
    clock.set("2026-04-01T13:10:00Z");
    const app = await startApp({ trustProxy: ["127.0.0.1"] });
    for (let i = 0; i < 3; i++) expect((await login(app, { "x-forwarded-for": "203.0.113.10" })).statusCode).toBe(401);
    expect((await login(app, { "x-forwarded-for": "203.0.113.10" })).statusCode).toBe(429);
    expect((await login(app, { "x-forwarded-for": "203.0.113.11" })).statusCode).toBe(401);
    // A peer that is not a listed proxy is not believed: its own address counts.
    const direct = await login(app, { "x-forwarded-for": "203.0.113.99" }, "192.0.2.60");
    expect(direct.statusCode).toBe(401);
    // A hop count trusts the nearest peer, whoever it is, to name the client.
    const hops = await startApp({ trustProxy: 1 });
    const viaHop = await login(hops, { "x-forwarded-for": "203.0.113.10" }, "192.0.2.50");
    expect(viaHop.statusCode).toBe(429); // 203.0.113.10's budget is spent above
    const rows = await testDb().db.execute<{ key: string }>(
      sql`select key from rate_limit_counters where key like 'ip:%auth.login' and window_start = '2026-04-01T13:10:00Z'`,
    );
    expect(rows.map((r) => r.key).sort()).toEqual([
      "ip:192.0.2.60:auth.login",
      "ip:203.0.113.10:auth.login",
      "ip:203.0.113.11:auth.login",
    ]);
  });
});

describe("without limits configured", () => {
  it("counts nothing and sends no RateLimit headers", async () => {
    clock.set("2026-04-01T14:00:00Z");
    const app = await startApp({ limits: undefined });
    const { cookie } = await signedIn();
    for (let i = 0; i < 12; i++) expect((await me(app, cookie)).statusCode).toBe(200);
    expect((await me(app, cookie)).headers["ratelimit-limit"]).toBeUndefined();
  });
});
