import { defineJob, ManualClock } from "@crm/core";
import { useTestDatabase } from "@crm/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type JobRuntime, startJobRuntime } from "./pg-boss";

const testDb = useTestDatabase();
const quiet = { info: () => {}, error: () => {} };

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const USER = "00000000-0000-4000-8000-000000000001";

// Each handler records what it did in a plain table, so we can count executions.
const recordJob = defineJob({
  name: "test.record",
  payload: z.object({ userId: z.string(), key: z.string() }),
  async handle(ctx, payload, job) {
    await ctx.db.execute(sql`insert into job_runs (key, job_id) values (${payload.key}, ${job.id})`);
  },
});

const failingJob = defineJob({
  name: "test.failing",
  payload: z.object({ userId: z.string(), key: z.string() }),
  retryLimit: 1,
  retryDelaySeconds: 1,
  async handle(ctx, payload) {
    await ctx.db.execute(sql`insert into job_runs (key, job_id) values (${payload.key}, 'attempt')`);
    throw new Error("Resend answered 500");
  },
});

// Records how many of its kind run at the same moment.
let running = 0;
let mostAtOnce = 0;
const oneAtATimeJob = defineJob({
  name: "test.one-at-a-time",
  payload: z.object({ userId: z.string(), key: z.string() }),
  concurrency: 1,
  async handle(ctx, payload) {
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await ctx.db.execute(sql`insert into job_runs (key, job_id) values (${payload.key}, 'serial')`);
    running -= 1;
  },
});

// Known to no working runtime: its jobs wait, for the /health figures.
const idleJob = defineJob({
  name: "test.idle",
  payload: z.object({ userId: z.string() }),
  async handle() {},
});

let first: JobRuntime;
let second: JobRuntime;

beforeAll(async () => {
  await testDb().db.execute(sql`create table job_runs (key text not null, job_id text not null)`);
  const start = () =>
    startJobRuntime({
      connectionString: testDb().url,
      definitions: [recordJob, failingJob, oneAtATimeJob] as never[],
      work: true,
      context: () => ({ db: testDb().db, clock: new ManualClock() }),
      log: quiet,
    });
  // Two runtimes on one database: two worker processes as far as pg-boss can tell.
  first = await start();
  second = await start();
});

afterAll(async () => {
  await first?.stop();
  await second?.stop();
});

const runs = async (key: string) =>
  (await testDb().db.execute<{ n: number }>(sql`select count(*)::int as n from job_runs where key = ${key}`))[0]!.n;

describe("pg-boss job runtime", () => {
  it("enqueues with the transaction: a rollback leaves no job, a commit runs it once", async () => {
    const db = testDb().db;
    await db
      .transaction(async (tx) => {
        await first.queue.send(tx, recordJob, { userId: USER, key: "rolled-back" });
        throw new Error("rollback");
      })
      .catch(() => {});
    await db.transaction(async (tx) => {
      await first.queue.send(tx, recordJob, { userId: USER, key: "committed" });
    });
    expect(
      await until(
        () => runs("committed"),
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(await runs("rolled-back")).toBe(0);
  });

  it("runs each of 200 jobs exactly once across two workers", async () => {
    const db = testDb().db;
    await db.transaction(async (tx) => {
      for (let i = 0; i < 200; i++) await first.queue.send(tx, recordJob, { userId: USER, key: `bulk-${i}` });
    });
    const total = async () =>
      (
        await db.execute<{ n: number; distinct: number }>(
          sql`select count(*)::int as n, count(distinct key)::int as distinct from job_runs where key like 'bulk-%'`,
        )
      )[0]!;
    const result = await until(total, (r) => r.n >= 200, 25_000);
    expect(result).toEqual({ n: 200, distinct: 200 });
  });

  it("retries a failing job, then lists it as failed for its user only, and retries it on demand", async () => {
    const db = testDb().db;
    await first.queue.send(db, failingJob, { userId: USER, key: "fails" });
    const failed = await until(
      () => first.queue.listFailed(USER),
      (list) => list.length === 1,
      30_000,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ queue: "test.failing", error: "Resend answered 500", retryCount: 1 });
    expect(await runs("fails")).toBe(2); // first attempt + one retry
    // Out of retries, a copy lands in the queue's dead-letter queue.
    const [dead] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from pgboss.job where name = 'test.failing__dead' and data->>'key' = 'fails'`,
    );
    expect(dead!.n).toBe(1);
    expect(await first.queue.listFailed("00000000-0000-4000-8000-000000000002")).toEqual([]);
    expect(await first.queue.retry("00000000-0000-4000-8000-000000000002", failed[0]!.id)).toBe(false);
    expect(await first.queue.retry(USER, failed[0]!.id)).toBe(true);
    expect(
      await until(
        () => runs("fails"),
        (n) => n >= 3,
        30_000,
      ),
    ).toBeGreaterThanOrEqual(3);
  });

  it("does not retry a payload that fails validation", async () => {
    const db = testDb().db;
    // Sent around the registry's own validation, as a corrupted or outdated job would be.
    await first.boss.send("test.record", { userId: USER, key: 42 });
    const dead = await until(
      async () =>
        (
          await db.execute<{ state: string; retry_count: number }>(
            sql`select state, retry_count from pgboss.job where name = 'test.record' and data->>'key' = '42'`,
          )
        )[0],
      (row) => row?.state === "failed",
      30_000,
    );
    expect(dead).toMatchObject({ state: "failed", retry_count: 0 });
  });

  it("runs a concurrency-1 job one at a time in each process", async () => {
    const db = testDb().db;
    mostAtOnce = 0;
    for (let i = 0; i < 6; i++) await first.queue.send(db, oneAtATimeJob, { userId: USER, key: "serial" });
    expect(
      await until(
        () => runs("serial"),
        (n) => n === 6,
        30_000,
      ),
    ).toBe(6);
    // Two runtimes in this process share the counter: at most one each.
    expect(mostAtOnce).toBeLessThanOrEqual(2);
  });

  it("reports the backlog and the oldest waiting job for /health", async () => {
    const idle = await startJobRuntime({
      connectionString: testDb().url,
      definitions: [idleJob] as never[],
      work: false,
      context: () => ({ db: testDb().db, clock: new ManualClock() }),
      log: quiet,
    });
    try {
      expect(await idle.queue.health()).toEqual({ reachable: true, backlog: 0, oldestWaitingSeconds: null });
      for (let i = 0; i < 3; i++) await idle.queue.send(testDb().db, idleJob, { userId: USER });
      // Due later: not backlog yet.
      await idle.queue.send(testDb().db, idleJob, { userId: USER }, { startAfter: new Date(Date.now() + 3600_000) });
      await testDb().db.execute(
        sql`update pgboss.job set created_on = now() - interval '90 seconds' where name = 'test.idle' and start_after <= now()`,
      );
      const health = await idle.queue.health();
      expect(health.backlog).toBe(3);
      expect(health.oldestWaitingSeconds).toBeGreaterThanOrEqual(89);
      expect(health.oldestWaitingSeconds).toBeLessThan(150);
      // The same, per queue, for /metrics: the delayed one counted apart.
      const [stats] = await idle.queue.stats();
      expect(stats).toMatchObject({
        queue: "test.idle",
        waiting: 3,
        delayed: 1,
        active: 0,
        failed: 0,
        completedLastHour: 0,
        failedLastHour: 0,
      });
      expect(stats?.oldestWaitingSeconds).toBeGreaterThanOrEqual(89);
    } finally {
      await idle.stop();
    }
  });
});
