import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { allJobs } from "../jobs/all";
import type { JobContext } from "../jobs/registry";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import { cancelImport, createImport, startImport } from "./service";
import { getImport } from "./status";

const testDb = useTestDatabase();
const enc = (s: string) => new TextEncoder().encode(s);
const CSV = enc("First Name,Email\nAda,ada@example.com\nBob,bob@example.com\n");

async function owner() {
  const base = { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z") };
  const user = await createTestUser(base);
  return { ...base, userId: user.id };
}
type Owner = Awaited<ReturnType<typeof owner>>;

const clientCount = async (ctx: Owner) =>
  (await ctx.db.select().from(schema.clients).where(eq(schema.clients.userId, ctx.userId))).length;

/**
 * An import whose run died mid-way: `running`, its last heartbeat now, and its transaction still
 * open on a database session (a hung worker) with clients written in it. Nothing is running it.
 */
async function orphanedImport(ctx: Owner) {
  const draft = await createImport(ctx, { filename: "clients.csv", bytes: CSV });
  await startImport(
    ctx,
    { id: draft.id, mapping: draft.mapping as never, duplicatePolicy: "skip" },
    { enqueue: false },
  );
  // A session of its own, driven by hand: a transaction that is never committed nor rolled back
  // from this side, as a hung worker's would be.
  const session = await testDb().sql.reserve();
  await session`begin`;
  await session`insert into clients (user_id, first_name, email)
                values (${ctx.userId}, 'Ada', 'ada@example.com'), (${ctx.userId}, 'Bob', 'bob@example.com')`;
  const [seen] = await session`select pg_backend_pid() as run_pid, now()::text as xact`;
  await ctx.db
    .update(schema.imports)
    .set({
      status: "running",
      startedAt: ctx.clock.now(),
      heartbeatAt: ctx.clock.now(),
      runPid: seen!.run_pid as number,
      runXactStart: sql`${seen!.xact as string}::timestamptz`,
    })
    .where(eq(schema.imports.id, draft.id));
  const hungRun = session`select pg_sleep(300)`.then(() => session.release());
  hungRun.catch(() => {});
  return { id: draft.id, hungRun };
}

function sweep(ctx: Owner) {
  const job = allJobs.find((j) => j.name === "imports.settle-orphans");
  expect(job, "the orphan sweep is a registered job").toBeDefined();
  const jobCtx = { ...ctx, jobs: {} as JobContext["jobs"], log: () => {} };
  return job!.handle(jobCtx, {} as never, { id: "sweep", retryCount: 0 });
}

describe("imports whose run died", () => {
  it("settle within a minute of the last heartbeat: rolled back and failed with the reason", async () => {
    const ctx = await owner();
    const { id, hungRun } = await orphanedImport(ctx);

    await sweep(ctx);
    expect((await getImport(ctx, id)).status, "a fresh heartbeat is a live run").toBe("running");

    ctx.clock.advance(60_000);
    await sweep(ctx);
    expect(await getImport(ctx, id)).toMatchObject({
      status: "failed",
      error: "The import stopped unexpectedly (server restart); nothing was imported.",
      created: 0,
      finishedAt: ctx.clock.now(),
    });
    await expect(hungRun).rejects.toThrow();
    expect(await clientCount(ctx)).toBe(0);
    const [row] = await ctx.db
      .select({ content: schema.imports.content })
      .from(schema.imports)
      .where(and(eq(schema.imports.id, id)));
    expect(row!.content).toBeNull();
  });

  it("cancel settles an orphan right away (rolled back, cancelled)", async () => {
    const ctx = await owner();
    const { id, hungRun } = await orphanedImport(ctx);
    ctx.clock.advance(60_000);

    const cancelled = await cancelImport(ctx, id);
    expect(cancelled).toMatchObject({ status: "cancelled", created: 0 });
    await expect(hungRun).rejects.toThrow();
    expect(await clientCount(ctx)).toBe(0);
    expect((await getImport(ctx, id)).status).toBe("cancelled");
  });

  it("cancel on a live run only asks it to stop (it rolls back at its next batch)", async () => {
    const ctx = await owner();
    const { id, hungRun } = await orphanedImport(ctx);
    expect(await cancelImport(ctx, id)).toMatchObject({ status: "running", cancelRequested: true });
    await ctx.db.execute(
      sql`select pg_terminate_backend(run_pid) from ${schema.imports} where ${schema.imports.id} = ${id}`,
    );
    await expect(hungRun).rejects.toThrow();
  });
});
