import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createBooking, createClient, sendReminderJob, systemClock } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { type JobRuntime, startJobRuntime } from "@crm/integrations";
import { type FakeResend, startFakeResend } from "@crm/testing/fake-resend";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const testDb = useTestDatabase();
let fake: FakeResend;
let sendOnly: JobRuntime;

beforeAll(async () => {
  fake = await startFakeResend();
  sendOnly = await startJobRuntime({
    connectionString: testDb().url,
    definitions: [sendReminderJob] as never[],
    work: false,
    context: () => ({ db: testDb().db, clock: systemClock }),
    log: { info: () => {}, error: () => {} },
  });
});
afterAll(async () => {
  await sendOnly?.stop();
  await fake?.close();
});

/** `crm worker` as its own process (its own pg-boss, its own pool), as an operator would run it. */
function startWorker(): {
  child: ChildProcess;
  output: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
} {
  let output = "";
  let stdout = "";
  const child = spawn(path.join(repoRoot, "node_modules/.bin/tsx"), ["apps/cli/src/main.ts", "worker"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: testDb().url,
      RESEND_API_KEY: fake.apiKey,
      RESEND_BASE_URL: fake.url,
      GOOGLE_CLIENT_ID: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, stdout: () => stdout, exited };
}

async function waitFor(condition: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("two `crm worker` processes on one database", () => {
  it("send every due reminder exactly once, and stop cleanly on SIGTERM", { timeout: 120_000 }, async () => {
    const base = { db: testDb().db, clock: systemClock, jobs: sendOnly.queue };
    const user = await createTestUser(base, { timeZone: "Europe/Paris" });
    const ctx = { ...base, userId: user.id };
    const client = await createClient(ctx, { firstName: "Ana", email: "ana.workers@example.com" });
    // Starting in 2-12 hours: each reminder is due at once. 40 of them, enqueued before the workers start,
    // so both workers find a backlog to share.
    const count = 40;
    for (let i = 0; i < count; i++) {
      const start = new Date(Date.now() + 2 * 3600_000 + i * 15 * 60_000);
      await createBooking(ctx, {
        clientId: client.id,
        title: `Session ${i}`,
        startsAt: start,
        endsAt: new Date(start.getTime() + 10 * 60_000),
      });
    }

    const workers = [startWorker(), startWorker()];
    try {
      await waitFor(() => workers.every((w) => w.output().includes("Worker running")), 60_000, "both workers to start");
      await waitFor(() => fake.sent.length >= count, 60_000, `${count} emails`);
      // Room for a duplicate to show up.
      await new Promise((resolve) => setTimeout(resolve, 2000));

      expect(fake.sent).toHaveLength(count);
      expect(new Set(fake.sent.map((email) => email.idempotencyKey)).size).toBe(count);
      // No job ran twice: not even a send that Resend's idempotency cache would have absorbed.
      expect(fake.replayedKeys).toEqual([]);
      const rows = await testDb()
        .db.select({ status: schema.emailMessages.status, attempts: schema.emailMessages.attempts })
        .from(schema.emailMessages)
        .where(and(eq(schema.emailMessages.userId, user.id), eq(schema.emailMessages.kind, "reminder")));
      expect(rows).toHaveLength(count);
      expect(rows.every((row) => row.status === "sent" && row.attempts === 1)).toBe(true);
    } finally {
      for (const worker of workers) worker.child.kill("SIGTERM");
      const codes = await Promise.all(workers.map((worker) => worker.exited));
      expect(codes, workers.map((worker) => worker.output()).join("\n---\n")).toEqual([0, 0]);
      // Logged as the server logs: one JSON object per line (stdout is not a terminal here).
      const lines = workers[0]!
        .stdout()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(lines.every((line) => typeof line.level === "number" && typeof line.msg === "string")).toBe(true);
      expect(lines.map((line) => line.msg)).toContain("Worker stopped");
    }
  });
});
