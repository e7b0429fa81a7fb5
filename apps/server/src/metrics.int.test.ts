import { TEST_PASSWORD, uniqueEmail } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";
import { startMetricsListener } from "./metrics/listener";

const testDb = useTestDatabase();
const APP_URL = "http://localhost:3000";
const TOKEN = "metrics-token-for-tests-0123456789";
let open: App;
let guarded: App;

beforeAll(async () => {
  open = await buildApp({ db: testDb().db, appUrl: APP_URL, webDistDir: null });
  guarded = await buildApp({ db: testDb().db, appUrl: APP_URL, webDistDir: null, metrics: { token: TOKEN } });
});
afterAll(async () => {
  await open.close();
  await guarded.close();
});

function call(app: App, procedure: string, input: unknown, cookie?: string) {
  return app.inject({
    method: "POST",
    url: `/trpc/${procedure}`,
    headers: { "content-type": "application/json", origin: APP_URL, ...(cookie && { cookie }) },
    payload: JSON.stringify({ json: input }),
  });
}

/** The value of one sample line, e.g. sample(text, 'crm_api_requests_total{procedure="auth.me"'). */
function sample(text: string, prefix: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : null;
}

describe("/metrics", () => {
  it("counts procedures (each call of a batch), their errors by code, and HTTP routes by pattern", async () => {
    const signup = await call(open, "auth.signup", {
      email: uniqueEmail("metrics"),
      password: TEST_PASSWORD,
      name: "M",
    });
    expect(signup.statusCode).toBe(200);
    const cookie = /crm_session=[^;]*/.exec(String(signup.headers["set-cookie"]))![0];
    // A batch of two: one fine, one refused (a malformed id is a BAD_REQUEST).
    const batch = await open.inject({
      method: "GET",
      url: `/trpc/auth.me,clients.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 1: { json: { id: "nope" } } }))}`,
      headers: { cookie },
    });
    expect(batch.statusCode).toBe(207);
    await open.inject({ method: "GET", url: "/no/such/path" });

    const response = await open.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    const text = response.body;
    expect(sample(text, 'crm_api_requests_total{procedure="auth.signup",type="mutation",status_class="2xx"}')).toBe(1);
    expect(sample(text, 'crm_api_requests_total{procedure="auth.me",type="query",status_class="2xx"}')).toBe(1);
    expect(sample(text, 'crm_api_requests_total{procedure="clients.get",type="query",status_class="4xx"}')).toBe(1);
    expect(sample(text, 'crm_api_errors_total{procedure="clients.get",code="BAD_REQUEST"}')).toBe(1);
    expect(sample(text, 'crm_api_request_duration_seconds_count{procedure="auth.signup",type="mutation"}')).toBe(1);
    expect(sample(text, 'crm_api_request_duration_seconds_bucket{le="0.3",procedure="auth.me",type="query"}')).toBe(1);
    // Routes by pattern: the batch is one /trpc/:path request; an unknown path is "unmatched".
    expect(sample(text, 'crm_http_requests_total{route="/trpc/:path",method="GET",status_class="2xx"}')).toBe(1);
    expect(sample(text, 'crm_http_requests_total{route="unmatched",method="GET",status_class="4xx"}')).toBe(1);
    // Read from the database at scrape time, and the process's own.
    expect(sample(text, "crm_emails_sent_last_24h")).toBe(0);
    expect(sample(text, 'crm_reminders_last_24h{status="bounced"}')).toBe(0);
    expect(sample(text, 'crm_calendar_connections{status="connected"}')).toBe(0);
    expect(sample(text, 'crm_import_rows_last_24h{outcome="created"}')).toBe(0);
    expect(sample(text, 'crm_db_connections{state="active"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain("nodejs_eventloop_lag_p99_seconds");
    expect(sample(text, "crm_metrics_scrape_errors_total")).toBeNull();
  });

  it("asks for the bearer token when METRICS_TOKEN is set", async () => {
    const none = await guarded.inject({ method: "GET", url: "/metrics" });
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="metrics"');
    const wrong = await guarded.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer nope" } });
    expect(wrong.statusCode).toBe(401);
    const right = await guarded.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain("# TYPE crm_api_requests_total counter");
  });

  it("moves to a port of its own with METRICS_PORT, leaving the app's port without it", async () => {
    const app = await buildApp({ db: testDb().db, appUrl: APP_URL, webDistDir: null, metrics: { separatePort: true } });
    const listener = await startMetricsListener(app.metrics, { host: "127.0.0.1", port: 0, token: TOKEN });
    try {
      expect((await app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(404);
      const url = `http://127.0.0.1:${listener.port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      const scraped = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain("crm_http_requests_total");
    } finally {
      await listener.close();
      await app.close();
    }
  });
});
