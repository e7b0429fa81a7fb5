import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock } from "@crm/core";
import { createSignedInUser } from "@crm/core/testing";
import { freePort } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const testDb = useTestDatabase();
const serverDir = fileURLToPath(new URL("..", import.meta.url));
const LIMIT = 30;
const servers: { child: ChildProcess; url: string; output: string[] }[] = [];

/** A real server process, as an operator runs it (one of several on one database). */
async function startServer(): Promise<(typeof servers)[number]> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_URL: url,
      DATABASE_URL: testDb().url,
      WORKERS: "off",
      CRM_DEMO_DATA: "off",
      LOG_LEVEL: "warn",
      RATE_LIMIT_PER_HOUR: String(LIMIT),
      WEB_DIST_DIR: mkdtempSync(path.join(tmpdir(), "crm-no-web-")),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const server = { child, url, output: [] as string[] };
  child.stdout?.on("data", (chunk) => server.output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => server.output.push(String(chunk)));
  servers.push(server);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited: ${server.output.join("")}`);
    const up = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return server;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not start: ${server.output.join("")}`);
}

beforeAll(async () => {
  await Promise.all([startServer(), startServer()]);
}, 90_000);

afterAll(async () => {
  await Promise.all(
    servers.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
});

describe("two server processes on one database", () => {
  it("grant a user exactly RATE_LIMIT_PER_HOUR requests between them, then 429 on both", async () => {
    // The budget is the clock hour's: start well inside one.
    const intoHour = Date.now() % 3_600_000;
    if (intoHour > 3_600_000 - 20_000) await new Promise((resolve) => setTimeout(resolve, 3_600_000 - intoHour + 100));
    const { token } = await createSignedInUser({ db: testDb().db, clock: systemClock });
    const headers = { cookie: `crm_session=${token}` };
    const answers = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      const response = await fetch(`${servers[i % 2]!.url}/trpc/auth.me`, { headers });
      answers.push({
        status: response.status,
        limit: response.headers.get("ratelimit-limit"),
        remaining: response.headers.get("ratelimit-remaining"),
        reset: Number(response.headers.get("ratelimit-reset")),
        retryAfter: response.headers.get("retry-after"),
      });
    }
    expect(answers.map((a) => a.status)).toEqual([...Array(LIMIT).fill(200), 429, 429]);
    expect(answers.map((a) => a.remaining)).toEqual([
      ...Array.from({ length: LIMIT }, (_, i) => String(LIMIT - 1 - i)),
      "0",
      "0",
    ]);
    expect(answers.every((a) => a.limit === String(LIMIT))).toBe(true);
    const refused = answers[LIMIT]!;
    expect(refused.reset).toBeGreaterThan(0);
    expect(refused.reset).toBeLessThanOrEqual(3600);
    expect(refused.retryAfter).toBe(String(refused.reset));
  });
});
