import { DomainError, type JobQueue, ManualClock } from "@crm/core";
import { createTestUser, TEST_PASSWORD, uniqueEmail } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { type FakeResend, startFakeResend } from "@crm/testing/fake-resend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";

const testDb = useTestDatabase();
const APP_URL = "http://localhost:3000";
let app: App;
let fake: FakeResend;
let cookie: string;

beforeAll(async () => {
  fake = await startFakeResend();
  app = await buildApp({
    db: testDb().db,
    clock: new ManualClock(),
    appUrl: APP_URL,
    webDistDir: null,
    resendWebhookSecret: fake.webhookSecret,
  });
  // A route that fails as told: the error handler's answers for each kind of failure.
  app.get("/test/fail/:kind", async (request) => {
    const kind = (request.params as { kind: string }).kind;
    if (kind === "bug") throw new Error('relation "secret_table" does not exist');
    const failures: Record<string, DomainError> = {
      validation: new DomainError("VALIDATION", "Name is required", { field: "name" }),
      unauthenticated: new DomainError("UNAUTHENTICATED", "Please sign in"),
      missing: new DomainError("NOT_FOUND", "Not found"),
      stale: new DomainError("STALE_VERSION", "Record was modified. Refresh and retry."),
      overlap: new DomainError("OVERLAP", "Time slot unavailable", { details: { bookingId: "b-1" } }),
      transition: new DomainError("INVALID_TRANSITION", "A cancelled booking cannot become confirmed"),
      throttled: new DomainError("THROTTLED", "Too many attempts", { retryAfterSeconds: 90 }),
    };
    throw failures[kind];
  });
  const signup = await app.inject({
    method: "POST",
    url: "/trpc/auth.signup",
    headers: { "content-type": "application/json", origin: APP_URL },
    payload: JSON.stringify({ json: { email: uniqueEmail("rest"), password: TEST_PASSWORD, name: "Rest" } }),
  });
  cookie = /crm_session=[^;]*/.exec(String(signup.headers["set-cookie"]))![0];
});
afterAll(async () => {
  await app.close();
  await fake.close();
});

describe("REST error answers", () => {
  it("maps each domain error as tRPC does: status, message, field, details, Retry-After", async () => {
    const expected: [string, number, Record<string, unknown>][] = [
      ["validation", 400, { error: "Name is required", field: "name" }],
      ["unauthenticated", 401, { error: "Please sign in" }],
      ["missing", 404, { error: "Not found" }],
      ["stale", 409, { error: "Record was modified. Refresh and retry." }],
      ["overlap", 409, { error: "Time slot unavailable", details: { bookingId: "b-1" } }],
      ["transition", 422, { error: "A cancelled booking cannot become confirmed" }],
      ["throttled", 429, { error: "Too many attempts" }],
    ];
    for (const [kind, status, body] of expected) {
      const response = await app.inject({ method: "GET", url: `/test/fail/${kind}` });
      expect(response.statusCode, kind).toBe(status);
      expect(response.json(), kind).toEqual({ statusCode: status, ...body });
      expect(response.headers["retry-after"], kind).toBe(kind === "throttled" ? "90" : undefined);
    }
  });

  it("answers an unexpected failure with a generic 500 that leaks nothing", async () => {
    const response = await app.inject({ method: "GET", url: "/test/fail/bug" });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain("secret_table");
  });
});

describe("POST /api/v1/imports", () => {
  const upload = (payload: string, headers: Record<string, string> = {}, query = "?filename=a.csv") =>
    app.inject({
      method: "POST",
      url: `/api/v1/imports${query}`,
      headers: { "content-type": "text/csv", origin: APP_URL, cookie, ...headers },
      payload,
    });

  it("answers 201, or 400/401/403/413/415 naming what is wrong", async () => {
    expect((await upload("Email\nada@example.com\n")).statusCode).toBe(201);
    const headerOnly = await upload("Email\n");
    expect(headerOnly.statusCode).toBe(400);
    expect(headerOnly.json()).toMatchObject({ field: "file", error: "The file has a header row but no clients" });
    const nul = await upload("Email\nada@example.com\n", {}, "?filename=a%00.csv");
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toMatchObject({ field: "filename", error: "Must not contain NUL characters" });
    const anonymous = await upload("Email\nada@example.com\n", { cookie: "" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ statusCode: 401, error: "Please sign in" });
    expect((await upload("Email\nada@example.com\n", { origin: "https://evil.example" })).statusCode).toBe(403);
    expect((await upload("x".repeat(10 * 1024 * 1024 + 4096))).statusCode).toBe(413);
    expect((await upload('{"a":1}', { "content-type": "application/json" })).statusCode).toBe(415);
  });
});

describe("GET /feeds/:file", () => {
  it("answers 404 for an unknown, malformed or NUL-bearing secret", async () => {
    for (const file of ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ics", "nope", "a%00.ics"]) {
      const response = await app.inject({ method: "GET", url: `/feeds/${file}` });
      expect(response.statusCode, file).toBe(404);
    }
  });
});

describe("GET /auth/google/callback", () => {
  it("refuses a NUL character in the query with 400 naming the parameter", async () => {
    const response = await app.inject({
      method: "GET",
      url: "/auth/google/callback?code=x&state=s%00",
      headers: { cookie },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: "state", error: "Must not contain NUL characters" });
  });
});

describe("POST /webhooks/resend", () => {
  it("answers 400 for a signed event whose text holds a NUL character, 401 unsigned", async () => {
    const user = await createTestUser({ db: testDb().db, clock: new ManualClock() });
    await testDb().db.insert(schema.emailMessages).values({
      userId: user.id,
      kind: "reminder",
      status: "sent",
      provider: "resend",
      providerId: "re_nul",
      sentAt: new Date(),
    });
    const event = fake.buildWebhook({
      type: "email.bounced",
      emailId: "re_nul",
      bounce: { type: "Permanent", message: "Mailbox\u0000 full" },
    });
    const post = (headers: Record<string, string>) =>
      app.inject({ method: "POST", url: "/webhooks/resend", headers, payload: event.body });
    const refused = await post(event.headers);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ field: "reason", error: "Must not contain NUL characters" });
    expect((await post({ "content-type": "application/json" })).statusCode).toBe(401);
  });
});

describe("without optional services", () => {
  it("answers 404 for the Resend webhook without a secret, and 503 from /health with the queue down", async () => {
    const jobs = {
      health: async () => ({ reachable: false, backlog: 0, oldestWaitingSeconds: null }),
    } as unknown as JobQueue;
    const bare = await buildApp({ db: testDb().db, appUrl: APP_URL, webDistDir: null, jobs });
    try {
      const webhook = await bare.inject({ method: "POST", url: "/webhooks/resend", payload: {} });
      expect(webhook.statusCode).toBe(404);
      const health = await bare.inject({ method: "GET", url: "/health" });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: "error", database: { status: "up" }, queue: { status: "down" } });
    } finally {
      await bare.close();
    }
  });
});
