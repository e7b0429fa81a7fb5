import { type JobQueue, ManualClock } from "@crm/core";
import { TEST_PASSWORD, uniqueEmail } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";

const testDb = useTestDatabase();
const APP_URL = "http://localhost:3000";
let app: App;

beforeAll(async () => {
  // Enqueues nothing for real: the deletion only needs a queue to hand the owner's notice to.
  const jobs = { send: async () => "job-1", cancel: async () => {} } as unknown as JobQueue;
  app = await buildApp({
    db: testDb().db,
    clock: new ManualClock("2026-05-04T10:00:00Z"),
    appUrl: APP_URL,
    webDistDir: null,
    jobs,
    deletionGraceDays: 7,
  });
});
afterAll(async () => {
  await app.close();
});

const json = { "content-type": "application/json", origin: APP_URL };
const sessionOf = (response: { headers: Record<string, unknown> }) =>
  /crm_session=[a-z2-7]+/.exec(String(response.headers["set-cookie"]))?.[0] ?? null;

async function call(path: string, cookie: string | null, input?: unknown) {
  return app.inject({
    method: "POST",
    url: `/trpc/${path}`,
    headers: { ...json, ...(cookie && { cookie }) },
    payload: JSON.stringify({ json: input ?? null }),
  });
}

describe("an account pending deletion, over HTTP", () => {
  it("is signed out at once, signs in again to a closed app (tRPC and REST alike) until it cancels", async () => {
    const email = uniqueEmail("leaving");
    const signup = await call("auth.signup", null, { email, password: TEST_PASSWORD, name: "Leaving" });
    const cookie = sessionOf(signup)!;
    // The session is cached by the first request; the deletion must still end it at once.
    expect(
      (await app.inject({ url: "/trpc/clients.list?input=%7B%22json%22%3A%7B%7D%7D", headers: { cookie } })).statusCode,
    ).toBe(200);

    const deleted = await call("privacy.deleteAccount", cookie, { password: TEST_PASSWORD });
    expect(deleted.statusCode).toBe(200);
    expect(String(deleted.headers["set-cookie"])).toMatch(/crm_session=;/);
    const after = await app.inject({ url: "/trpc/auth.me", headers: { cookie } });
    expect(after.json()).toEqual({ result: { data: { json: null } } });

    const login = await call("auth.login", null, { email, password: TEST_PASSWORD });
    const again = sessionOf(login)!;
    const me = await app.inject({ url: "/trpc/auth.me", headers: { cookie: again } });
    expect(me.json().result.data.json.deletionScheduledFor).toBe("2026-05-11T10:00:00.000Z");
    const list = await app.inject({
      url: "/trpc/clients.list?input=%7B%22json%22%3A%7B%7D%7D",
      headers: { cookie: again },
    });
    expect(list.statusCode).toBe(403);
    expect(list.json().error.json.message).toBe(
      "Your account is scheduled for deletion on 2026-05-11. Cancel the deletion to use it again.",
    );
    const upload = await app.inject({
      method: "POST",
      url: "/api/v1/imports?filename=a.csv",
      headers: { "content-type": "text/csv", origin: APP_URL, cookie: again },
      payload: "First name\nAda\n",
    });
    expect(upload.statusCode).toBe(403);
    const oauth = await app.inject({ url: "/auth/google/callback?state=x&code=y", headers: { cookie: again } });
    expect([oauth.statusCode, oauth.headers.location]).toEqual([302, "/"]);

    expect((await call("privacy.cancelDeletion", again)).statusCode).toBe(200);
    // Same process, same cache: the cancel takes effect on the very next request.
    const open = await app.inject({
      url: "/trpc/clients.list?input=%7B%22json%22%3A%7B%7D%7D",
      headers: { cookie: again },
    });
    expect(open.statusCode).toBe(200);
  });
});
