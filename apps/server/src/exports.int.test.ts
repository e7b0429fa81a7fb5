import { createClient, type JobQueue, ManualClock, requestAccountExport, runAccountExport } from "@crm/core";
import { parseCsv, TEST_PASSWORD, uniqueEmail, unzip } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";

const testDb = useTestDatabase();
const APP_URL = "http://localhost:3000";
const clock = new ManualClock("2026-03-01T09:00:00Z");
const noQueue = { send: async () => "job" } as unknown as JobQueue;
let app: App;

interface Account {
  cookie: string;
  userId: string;
}

async function signUp(name: string): Promise<Account> {
  const email = uniqueEmail("export");
  const response = await app.inject({
    method: "POST",
    url: "/trpc/auth.signup",
    headers: { "content-type": "application/json", origin: APP_URL },
    payload: JSON.stringify({ json: { email, password: TEST_PASSWORD, name } }),
  });
  const cookie = /crm_session=[^;]*/.exec(String(response.headers["set-cookie"]))![0];
  const [user] = await testDb()
    .db.select({ id: schema.users.id })
    .from(schema.users)
    .where(eq(schema.users.email, email));
  return { cookie, userId: user!.id };
}

const core = (account: Account) => ({ db: testDb().db, clock, jobs: noQueue, userId: account.userId });

async function readyExport(account: Account): Promise<string> {
  const { id } = await requestAccountExport(core(account));
  await runAccountExport(core(account), { userId: account.userId, exportId: id }, { chunkBytes: 700 });
  return id;
}

beforeAll(async () => {
  app = await buildApp({ db: testDb().db, clock, appUrl: APP_URL, webDistDir: null });
});
afterAll(async () => {
  await app.close();
});

describe("GET /api/v1/exports/<id>", () => {
  it("streams the zip to its owner only: 200 for them, 404 for others, 401 signed out, 410 once expired", async () => {
    const owner = await signUp("Owner");
    const stranger = await signUp("Stranger");
    await createClient(core(owner), { firstName: "Grace", lastName: "Hopper", email: "grace@example.com" });
    const id = await readyExport(owner);

    const download = await app.inject({
      method: "GET",
      url: `/api/v1/exports/${id}`,
      headers: { cookie: owner.cookie },
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers["content-type"]).toBe("application/zip");
    expect(download.headers["content-disposition"]).toBe('attachment; filename="crm-export-2026-03-01.zip"');
    const chunks = await testDb()
      .db.select({ data: schema.accountExportChunks.data })
      .from(schema.accountExportChunks)
      .where(eq(schema.accountExportChunks.exportId, id))
      .orderBy(asc(schema.accountExportChunks.seq));
    expect(chunks.length).toBeGreaterThan(3);
    const stored = Buffer.concat(chunks.map((c) => c.data));
    expect(download.headers["content-length"]).toBe(String(stored.length));
    expect(download.rawPayload.equals(stored)).toBe(true);
    const clients = JSON.parse(unzip(download.rawPayload).get("clients.json")!.toString("utf8"));
    expect(clients.map((c: { email: string }) => c.email)).toEqual(["grace@example.com"]);

    const foreign = await app.inject({
      method: "GET",
      url: `/api/v1/exports/${id}`,
      headers: { cookie: stranger.cookie },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain("Grace");
    for (const url of ["/api/v1/exports/00000000-0000-4000-8000-000000000000", "/api/v1/exports/not-an-id"]) {
      expect((await app.inject({ method: "GET", url, headers: { cookie: owner.cookie } })).statusCode).toBe(404);
    }
    const signedOut = await app.inject({ method: "GET", url: `/api/v1/exports/${id}` });
    expect(signedOut.statusCode).toBe(401);

    clock.advance(24 * 60 * 60 * 1000 + 1000);
    try {
      const expired = await app.inject({
        method: "GET",
        url: `/api/v1/exports/${id}`,
        headers: { cookie: owner.cookie },
      });
      expect(expired.statusCode).toBe(410);
      expect(expired.json()).toEqual({
        statusCode: 410,
        error:
          "This export expired on 2026-03-02T09:00:00.000Z (links work for 24 hours). Start a new export in Settings.",
      });
    } finally {
      clock.set("2026-03-01T09:00:00Z");
    }
  });

  it("answers 409 while the export is still being built", async () => {
    const owner = await signUp("Waiting");
    const { id } = await requestAccountExport(core(owner));
    const response = await app.inject({
      method: "GET",
      url: `/api/v1/exports/${id}`,
      headers: { cookie: owner.cookie },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toBe("This export is not ready yet. Settings shows its progress.");
  });
});

describe("GET /api/v1/clients.csv", () => {
  it("streams the current filter as CSV with formula cells defused, for the signed-in owner", async () => {
    const owner = await signUp("Csv Owner");
    const stranger = await signUp("Csv Stranger");
    await createClient(core(owner), { firstName: "=cmd|' /C calc'!A0", lastName: "Inactive", status: "inactive" });
    await createClient(core(owner), { firstName: "Active", lastName: "One" });
    await createClient(core(stranger), { firstName: "Not", lastName: "Mine", status: "inactive" });

    const response = await app.inject({
      method: "GET",
      url: "/api/v1/clients.csv?status=inactive&sort=name",
      headers: { cookie: owner.cookie },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toBe('attachment; filename="clients-2026-03-01.csv"');
    expect(response.body.startsWith("\uFEFF")).toBe(true);
    const rows = parseCsv(response.body.slice(1));
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ["Name", "First name", "Last name"],
      ["'=cmd|' /C calc'!A0 Inactive", "'=cmd|' /C calc'!A0", "Inactive"],
    ]);

    // The consent filters of the list: a basis, and marketing consent as the text "true"/"false".
    await createClient(core(owner), {
      firstName: "Opted",
      lastName: "In",
      consent: { basis: "contract", marketing: true },
    });
    const consented = await app.inject({
      method: "GET",
      url: "/api/v1/clients.csv?consent=contract&marketing=true",
      headers: { cookie: owner.cookie },
    });
    expect(consented.statusCode).toBe(200);
    expect(parseCsv(consented.body.slice(1)).map((r) => r[0])).toEqual(["Name", "Opted In"]);
    const notMarketing = await app.inject({
      method: "GET",
      url: "/api/v1/clients.csv?marketing=false&sort=name",
      headers: { cookie: owner.cookie },
    });
    expect(parseCsv(notMarketing.body.slice(1)).map((r) => r[2])).toEqual(["Last name", "Inactive", "One"]);
    const badMarketing = await app.inject({
      method: "GET",
      url: "/api/v1/clients.csv?marketing=maybe",
      headers: { cookie: owner.cookie },
    });
    expect(badMarketing.json()).toMatchObject({ field: "marketing" });

    expect((await app.inject({ method: "GET", url: "/api/v1/clients.csv" })).statusCode).toBe(401);
    const bad = await app.inject({
      method: "GET",
      url: "/api/v1/clients.csv?status=gone",
      headers: { cookie: owner.cookie },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe("status");
  });
});
