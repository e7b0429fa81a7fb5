import { Writable } from "node:stream";
import { useTestDatabase } from "@crm/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";

const testDb = useTestDatabase();
const logLines: Record<string, unknown>[] = [];
let app: App;

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  app = await buildApp({
    db: testDb().db,
    appUrl: "http://localhost:3000",
    webDistDir: null,
    logger: { level: "error", stream },
  });
  // A bug, as any route could have one.
  app.get("/test/boom", async () => {
    throw new Error("database said something private");
  });
});
afterAll(() => app.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  it("gives every answer an X-Request-Id: the caller's when it looks like one, else a new UUID", async () => {
    const fresh = await app.inject({ method: "GET", url: "/health" });
    expect(fresh.headers["x-request-id"]).toMatch(UUID);
    const kept = await app.inject({ method: "GET", url: "/health", headers: { "x-request-id": "lb-7f3a9c21.0001" } });
    expect(kept.headers["x-request-id"]).toBe("lb-7f3a9c21.0001");
    for (const bad of ["short", "has spaces in it", "x".repeat(129), "new\\nline-injection"]) {
      const replaced = await app.inject({ method: "GET", url: "/health", headers: { "x-request-id": bad } });
      expect(replaced.headers["x-request-id"]).toMatch(UUID);
    }
  });

  it("puts the id of a failed request in its answer and in the error's log line, and nothing of the cause", async () => {
    const response = await app.inject({
      method: "GET",
      url: "/test/boom",
      headers: { "x-request-id": "support-ticket-42" },
    });
    expect(response.statusCode).toBe(500);
    expect(response.headers["x-request-id"]).toBe("support-ticket-42");
    expect(response.json()).toEqual({
      error: "Internal Server Error",
      statusCode: 500,
      requestId: "support-ticket-42",
    });
    expect(response.body).not.toContain("private");
    const logged = logLines.find((line) => line.msg === "request failed");
    expect(logged).toMatchObject({ reqId: "support-ticket-42", err: { message: "database said something private" } });
  });
});
