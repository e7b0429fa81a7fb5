import { ManualClock } from "@crm/core";
import { TEST_PASSWORD, testDataKeys, uniqueEmail } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";

// PostgreSQL refuses U+0000 in text and jsonb; a NUL that reaches it becomes a 500.
const NUL = "\u0000";
const NUL_MESSAGE = "Must not contain NUL characters";

const testDb = useTestDatabase();
const APP_URL = "http://localhost:3000";
let app: App;
let cookie: string;
let client: { id: string; version: number };
let note: { id: string; version: number };
let stage: { id: string; version: number };
let booking: { id: string; version: number };

async function call(procedure: string, input: unknown, headers: Record<string, string> = { cookie }) {
  return app.inject({
    method: "POST",
    url: `/trpc/${procedure}`,
    headers: { "content-type": "application/json", origin: APP_URL, ...headers },
    payload: JSON.stringify({ json: input }),
  });
}

async function query(procedure: string, input: unknown) {
  const encoded = encodeURIComponent(JSON.stringify({ json: input }));
  return app.inject({ method: "GET", url: `/trpc/${procedure}?input=${encoded}`, headers: { cookie } });
}

const ref = (row: { id: string; version: number }) => ({ id: row.id, version: row.version });

async function created<T>(procedure: string, input: unknown): Promise<T> {
  const response = await call(procedure, input);
  expect(response.statusCode, `${procedure}: ${response.body}`).toBe(200);
  return response.json().result.data.json as T;
}

beforeAll(async () => {
  app = await buildApp({
    db: testDb().db,
    clock: new ManualClock(),
    appUrl: APP_URL,
    webDistDir: null,
    dataKeys: testDataKeys,
  });
  const signup = await call(
    "auth.signup",
    { email: uniqueEmail("nul"), password: TEST_PASSWORD, name: "Nul Tester" },
    {},
  );
  cookie = /crm_session=[^;]*/.exec(String(signup.headers["set-cookie"]))![0];
  client = await created("clients.create", { firstName: "Ada" });
  note = await created("notes.create", { clientId: client.id, body: "First" });
  stage = await created("pipeline.createStage", { name: "Qualified" });
  booking = await created("bookings.create", {
    clientId: client.id,
    title: "Intro",
    startsAt: "2030-01-07T09:00:00Z",
    endsAt: "2030-01-07T10:00:00Z",
  });
});
afterAll(() => app.close());

function expectRefused(response: { statusCode: number; json: () => unknown }, field: string) {
  expect(response.statusCode).toBe(400);
  const error = (response.json() as { error: { json: { message: string; data: { field: string } } } }).error.json;
  expect(error.message).toBe(NUL_MESSAGE);
  expect(error.data.field).toBe(field);
}

describe("a NUL character in free text", () => {
  const mutations: [string, string, () => unknown][] = [
    ["auth.signup", "name", () => ({ email: uniqueEmail(), password: TEST_PASSWORD, name: `A${NUL}` })],
    ["auth.signup", "email", () => ({ email: `a${NUL}b@example.com`, password: TEST_PASSWORD, name: "A" })],
    ["auth.login", "email", () => ({ email: `a${NUL}b@example.com`, password: TEST_PASSWORD })],
    ["settings.update", "name", () => ({ name: `Me${NUL}` })],
    ["clients.create", "firstName", () => ({ firstName: `Ada${NUL}` })],
    ["clients.create", "lastName", () => ({ firstName: "Ada", lastName: `L${NUL}` })],
    ["clients.create", "company", () => ({ firstName: "Ada", company: `Acme${NUL}` })],
    ["clients.create", "source", () => ({ firstName: "Ada", source: `web${NUL}` })],
    ["clients.create", "tags.1", () => ({ firstName: "Ada", tags: ["vip", `x${NUL}`] })],
    ["clients.update", "company", () => ({ ...ref(client), company: `Acme${NUL}` })],
    ["notes.create", "body", () => ({ clientId: client.id, body: `Hello${NUL}` })],
    ["notes.update", "body", () => ({ ...ref(note), body: `Hello${NUL}` })],
    ["pipeline.createStage", "name", () => ({ name: `Stage${NUL}` })],
    ["pipeline.updateStage", "name", () => ({ ...ref(stage), name: `Stage${NUL}` })],
    ["bookings.update", "title", () => ({ ...ref(booking), title: `Call${NUL}` })],
    ["bookings.update", "location", () => ({ ...ref(booking), location: `Room${NUL}` })],
    ["bookings.update", "notes", () => ({ ...ref(booking), notes: `Bring${NUL}` })],
  ];

  it.each(mutations)("%s answers 400 naming %s", async (procedure, field, input) => {
    expectRefused(await call(procedure, input()), field);
  });

  it("bookings.create answers 400 for the title, location and notes", async () => {
    const base = {
      clientId: client.id,
      title: "Call",
      startsAt: "2030-01-08T09:00:00Z",
      endsAt: "2030-01-08T10:00:00Z",
    };
    for (const field of ["title", "location", "notes"]) {
      expectRefused(await call("bookings.create", { ...base, [field]: `x${NUL}` }), field);
    }
  });

  it("clients.list answers 400 for the query and the tag", async () => {
    expectRefused(await query("clients.list", { query: `ada${NUL}` }), "query");
    expectRefused(await query("clients.list", { tag: `vip${NUL}` }), "tag");
  });

  it("answers a signed-out caller 401 first, saying nothing about the input", async () => {
    expect((await call("settings.update", { name: `Me${NUL}` }, {})).statusCode).toBe(401);
  });

  it("the CSV upload answers 400 for the filename", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/v1/imports?filename=contacts%00.csv",
      headers: { "content-type": "text/csv", origin: APP_URL, cookie },
      payload: "First Name,Email\nAda,ada@example.com\n",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: NUL_MESSAGE, field: "filename" });
  });
});
