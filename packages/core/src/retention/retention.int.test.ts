import { randomUUID } from "node:crypto";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { eq, inArray, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createSession } from "../auth/sessions";
import { createClient, deleteClient } from "../clients/clients";
import { purgeTrashJob } from "../clients/jobs";
import type { JobContext } from "../jobs/registry";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import { runRetentionTasks } from "./jobs";
import { DEFAULT_RETENTION, retentionPolicyFromEnv } from "./policy";
import { RETENTION_TASKS, retentionStatus } from "./runs";
import {
  pruneActivityLog,
  pruneExpiredExports,
  pruneExpiredSignIns,
  pruneImports,
  pruneLoginAttemptRecords,
  scrubEmailBodies,
} from "./tasks";

const {
  activityLogs,
  emailMessages,
  loginAttempts,
  imports,
  accountExports,
  accountExportChunks,
  retentionRuns,
  sessions,
  twoFactorChallenges,
  accountTokens,
} = schema;

const testDb = useTestDatabase();
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = "2027-06-01T04:00:00Z";

function ago(clock: ManualClock, ms: number): Date {
  return new Date(clock.now().getTime() - ms);
}

/** Two owners on one clock: A has the old rows, B only newer ones. */
async function setup() {
  const clock = new ManualClock(NOW);
  const ctx = { db: testDb().db, clock };
  const a = await createTestUser(ctx);
  const b = await createTestUser(ctx);
  return { ctx, clock, a: a.id, b: b.id };
}

beforeEach(async () => {
  // The tasks act on every owner's rows: each test starts from empty tables so counts are exact.
  await testDb().db.execute(
    sql`truncate activity_logs, email_messages, login_attempts, imports, account_exports, account_export_chunks, retention_runs, sessions, session_tokens, two_factor_challenges, account_tokens`,
  );
});

async function activity(userId: string, createdAt: Date, count = 1) {
  const rows = await testDb()
    .db.insert(activityLogs)
    .values(
      Array.from({ length: count }, () => ({
        userId,
        entityType: "client",
        entityId: randomUUID(),
        action: "update",
        changes: { email: { before: "old@example.com", after: "new@example.com" } },
        createdAt,
      })),
    )
    .returning({ id: activityLogs.id });
  return rows.map((r) => r.id);
}

describe("retention: activity log", () => {
  it("deletes entries past the period and keeps newer ones of every owner", async () => {
    const { ctx, clock, a, b } = await setup();
    await activity(a, ago(clock, 366 * DAY));
    const [recentA] = await activity(a, ago(clock, 364 * DAY));
    const [recentB] = await activity(b, ago(clock, 2 * DAY));

    expect(await pruneActivityLog(ctx, DEFAULT_RETENTION)).toEqual({ activity_logs: 1 });
    const left = await ctx.db.select({ id: activityLogs.id }).from(activityLogs);
    expect(left.map((r) => r.id).sort()).toEqual([recentA!, recentB!].sort());

    // Idempotent: a second run finds nothing.
    expect(await pruneActivityLog(ctx, DEFAULT_RETENTION)).toEqual({ activity_logs: 0 });
  });

  it("works through a backlog larger than one batch", async () => {
    const { ctx, clock, a } = await setup();
    await activity(a, ago(clock, 400 * DAY), 2500);
    const [kept] = await activity(a, ago(clock, 10 * DAY));
    expect(await pruneActivityLog(ctx, DEFAULT_RETENTION)).toEqual({ activity_logs: 2500 });
    const left = await ctx.db.select({ id: activityLogs.id }).from(activityLogs);
    expect(left).toEqual([{ id: kept }]);
  });

  it("follows the configured period", async () => {
    const { ctx, clock, a } = await setup();
    await activity(a, ago(clock, 31 * DAY));
    const policy = retentionPolicyFromEnv({ CRM_ACTIVITY_RETENTION_DAYS: 30 });
    expect(await pruneActivityLog(ctx, DEFAULT_RETENTION)).toEqual({ activity_logs: 0 });
    expect(await pruneActivityLog(ctx, policy)).toEqual({ activity_logs: 1 });
  });
});

describe("retention: email bodies", () => {
  it("drops subject and body of old emails, keeping status, times and address; pending ones untouched", async () => {
    const { ctx, clock, a, b } = await setup();
    const email = (userId: string, at: Date, status: "sent" | "delivered" | "scheduled" | "bounced") => ({
      userId,
      kind: "reminder",
      toAddress: "client@example.com",
      subject: "Your session tomorrow",
      textBody: "See you at 10.",
      status,
      createdAt: at,
      sentAt: status === "scheduled" ? null : at,
    });
    const rows = await ctx.db
      .insert(emailMessages)
      .values([
        email(a, ago(clock, 370 * DAY), "delivered"),
        email(a, ago(clock, 366 * DAY), "bounced"),
        email(a, ago(clock, 380 * DAY), "scheduled"),
        email(a, ago(clock, 300 * DAY), "sent"),
        email(b, ago(clock, 1 * DAY), "delivered"),
      ])
      .returning({ id: emailMessages.id });
    const ids = rows.map((r) => r.id);

    expect(await scrubEmailBodies(ctx, DEFAULT_RETENTION)).toEqual({ email_messages: 2 });
    const after = await ctx.db.select().from(emailMessages).where(inArray(emailMessages.id, ids));
    const byId = new Map(after.map((r) => [r.id, r]));
    for (const id of ids.slice(0, 2)) {
      expect(byId.get(id)).toMatchObject({ subject: null, textBody: null, toAddress: "client@example.com" });
    }
    expect(byId.get(ids[0]!)?.status).toBe("delivered");
    expect(byId.get(ids[1]!)?.status).toBe("bounced");
    expect(byId.get(ids[0]!)?.sentAt).toEqual(ago(clock, 370 * DAY));
    for (const id of ids.slice(2)) {
      expect(byId.get(id)).toMatchObject({ subject: "Your session tomorrow", textBody: "See you at 10." });
    }
    expect(await scrubEmailBodies(ctx, DEFAULT_RETENTION)).toEqual({ email_messages: 0 });
  });
});

describe("retention: login attempts", () => {
  it("deletes failed sign-ins older than 24 hours", async () => {
    const { ctx, clock } = await setup();
    await ctx.db.insert(loginAttempts).values([
      { emailKey: "a@example.com", attemptedAt: ago(clock, 25 * HOUR) },
      { emailKey: "b@example.com", attemptedAt: ago(clock, 23 * HOUR) },
    ]);
    expect(await pruneLoginAttemptRecords(ctx, DEFAULT_RETENTION)).toEqual({ login_attempts: 1 });
    const left = await ctx.db.select({ emailKey: loginAttempts.emailKey }).from(loginAttempts);
    expect(left).toEqual([{ emailKey: "b@example.com" }]);
  });
});

describe("retention: expired sign-ins", () => {
  it("deletes sessions idle past expiry, expired two-factor challenges and account links a week after expiry", async () => {
    const { ctx, clock, a, b } = await setup();
    await createSession(ctx, a);
    clock.advance(7 * DAY + HOUR);
    const live = await createSession(ctx, b);
    await ctx.db.insert(twoFactorChallenges).values([
      {
        tokenHash: "expired-challenge",
        userId: a,
        createdAt: ago(clock, 10 * 60_000),
        expiresAt: ago(clock, 5 * 60_000),
      },
      {
        tokenHash: "live-challenge",
        userId: b,
        createdAt: clock.now(),
        expiresAt: new Date(clock.now().getTime() + 60_000),
      },
    ]);
    await ctx.db.insert(accountTokens).values([
      {
        tokenHash: "old-link",
        userId: a,
        purpose: "email_change",
        newEmail: "new@example.com",
        createdAt: ago(clock, 9 * DAY),
        expiresAt: ago(clock, 8 * DAY),
      },
      {
        tokenHash: "recent-link",
        userId: b,
        purpose: "password_reset",
        createdAt: ago(clock, 2 * DAY),
        expiresAt: ago(clock, 2 * DAY - HOUR),
      },
    ]);

    expect(await pruneExpiredSignIns(ctx)).toEqual({ sessions: 1, two_factor_challenges: 1, account_tokens: 1 });
    const left = await ctx.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(inArray(sessions.userId, [a, b]));
    expect(left.map((r) => r.id)).toEqual([live.sessionId]);
    expect(await ctx.db.select({ t: twoFactorChallenges.tokenHash }).from(twoFactorChallenges)).toEqual([
      { t: "live-challenge" },
    ]);
    expect(await ctx.db.select({ t: accountTokens.tokenHash }).from(accountTokens)).toEqual([{ t: "recent-link" }]);
  });
});

describe("retention: imports", () => {
  it("deletes uploads never started after 24 hours and strips finished imports after 30 days", async () => {
    const { ctx, clock, a, b } = await setup();
    const csv = Buffer.from("name,email\nAda,ada@example.com\n");
    const failures = [{ line: 3, values: ["Grace", "grace@"], reason: 'Email "grace@" is not a valid email address' }];
    const base = { filename: "clients.csv", content: csv, totalRows: 2, created: 1, failed: 1, failures };
    const rows = await ctx.db
      .insert(imports)
      .values([
        { ...base, userId: a, status: "uploaded", createdAt: ago(clock, 25 * HOUR) },
        { ...base, userId: a, status: "uploaded", createdAt: ago(clock, 23 * HOUR) },
        { ...base, userId: a, status: "completed", createdAt: ago(clock, 40 * DAY), finishedAt: ago(clock, 31 * DAY) },
        { ...base, userId: a, status: "cancelled", createdAt: ago(clock, 40 * DAY), finishedAt: ago(clock, 29 * DAY) },
        { ...base, userId: a, status: "running", createdAt: ago(clock, 40 * DAY) },
        { ...base, userId: b, status: "failed", createdAt: ago(clock, 2 * DAY), finishedAt: ago(clock, 2 * DAY) },
      ])
      .returning({ id: imports.id });
    const [staleUpload, freshUpload, oldDone, recentDone, running, otherOwner] = rows.map((r) => r.id);

    expect(await pruneImports(ctx, DEFAULT_RETENTION)).toEqual({ imports_deleted: 1, imports_scrubbed: 1 });
    const after = new Map((await ctx.db.select().from(imports)).map((r) => [r.id, r]));
    expect(after.has(staleUpload!)).toBe(false);
    expect(after.get(oldDone!)).toMatchObject({
      status: "completed",
      content: null,
      failures: null,
      totalRows: 2,
      created: 1,
      failed: 1,
      filename: "clients.csv",
    });
    for (const id of [freshUpload, recentDone, running, otherOwner]) {
      expect(after.get(id!)?.content).toEqual(csv);
      expect(after.get(id!)?.failures).toEqual(failures);
    }
    expect(await pruneImports(ctx, DEFAULT_RETENTION)).toEqual({ imports_deleted: 0, imports_scrubbed: 0 });
  });
});

describe("retention: exports", () => {
  it("deletes expired exports with their chunks and keeps live ones", async () => {
    const { ctx, clock, a, b } = await setup();
    const [expired, live] = await ctx.db
      .insert(accountExports)
      .values([
        { userId: a, status: "ready", expiresAt: ago(clock, 1 * HOUR) },
        { userId: b, status: "ready", expiresAt: new Date(clock.now().getTime() + 23 * HOUR) },
      ])
      .returning({ id: accountExports.id, userId: accountExports.userId });
    await ctx.db.insert(accountExportChunks).values([
      { userId: a, exportId: expired!.id, seq: 0, data: Buffer.from("zip-a") },
      { userId: b, exportId: live!.id, seq: 0, data: Buffer.from("zip-b") },
    ]);

    expect(await pruneExpiredExports(ctx)).toEqual({ account_exports: 1 });
    expect(await ctx.db.select({ id: accountExports.id }).from(accountExports)).toEqual([{ id: live!.id }]);
    expect(await ctx.db.select({ exportId: accountExportChunks.exportId }).from(accountExportChunks)).toEqual([
      { exportId: live!.id },
    ]);
  });
});

describe("retention: the job", () => {
  it("records each completed task in retention_runs, and one failing task does not stop the others", async () => {
    const { ctx, clock, a } = await setup();
    await activity(a, ago(clock, 400 * DAY));
    await ctx.db.insert(loginAttempts).values({ emailKey: "x@example.com", attemptedAt: ago(clock, 2 * DAY) });

    const broken = { ...DEFAULT_RETENTION, activityDays: Number.NaN };
    const report = await runRetentionTasks(ctx, broken);
    expect(report.failed.map((f) => f.task)).toEqual(["activity-log"]);
    expect(report.completed["login-attempts"]).toEqual({ login_attempts: 1 });

    const runs = await ctx.db.select().from(retentionRuns).orderBy(retentionRuns.task);
    expect(runs.map((r) => r.task)).toEqual([
      "email-bodies",
      "expired-sign-ins",
      "exports",
      "imports",
      "login-attempts",
    ]);
    for (const run of runs) expect(run.lastRunAt).toEqual(clock.now());
    expect(runs.find((r) => r.task === "login-attempts")?.lastResult).toEqual({ login_attempts: 1 });

    clock.advance(DAY);
    const again = await runRetentionTasks(ctx, DEFAULT_RETENTION);
    expect(again.failed).toEqual([]);
    expect(again.completed["activity-log"]).toEqual({ activity_logs: 1 });
    const [activityRun] = await ctx.db.select().from(retentionRuns).where(eq(retentionRuns.task, "activity-log"));
    expect(activityRun).toEqual({ task: "activity-log", lastRunAt: clock.now(), lastResult: { activity_logs: 1 } });
  });

  it("the Trash purge uses the configured period and records its run", async () => {
    const { ctx, clock, a } = await setup();
    const owned = { ...ctx, userId: a };
    const client = await createClient(owned, { firstName: "Ada" });
    await deleteClient(owned, client.id);
    clock.advance(11 * DAY);
    const logs: string[] = [];
    const jobCtx = { ...ctx, retention: { ...DEFAULT_RETENTION, trashDays: 10 }, log: (m: string) => logs.push(m) };
    await purgeTrashJob.handle(jobCtx as unknown as JobContext, {}, { id: "job-1", retryCount: 0 });
    expect(logs).toEqual(["purged 1 client(s) from Trash"]);
    const [run] = await ctx.db.select().from(retentionRuns).where(eq(retentionRuns.task, "trash"));
    expect(run).toEqual({ task: "trash", lastRunAt: clock.now(), lastResult: { clients: 1 } });
  });
});

describe("retention: status for /health", () => {
  it("warns for a task not completed in 2 days; never-run tasks only once the first account is 2 days old", async () => {
    const db = testDb().db;
    await db.execute(sql`delete from users`);
    const clock = new ManualClock(NOW);
    const ctx = { db, clock };
    // An empty install: nothing to warn about, however late.
    expect((await retentionStatus(ctx)).warnings).toEqual([]);

    await createTestUser(ctx);
    clock.advance(2 * DAY - HOUR);
    expect((await retentionStatus(ctx)).warnings).toEqual([]);
    clock.advance(2 * HOUR);
    const late = await retentionStatus(ctx);
    expect(late.warnings).toHaveLength(RETENTION_TASKS.length);
    expect(late.warnings[0]).toBe('Retention task "activity-log" has never completed: is a worker running?');

    await runRetentionTasks(ctx, DEFAULT_RETENTION);
    await purgeTrashJob.handle({ ...ctx, log: () => {} } as unknown as JobContext, {}, { id: "j", retryCount: 0 });
    const ranAt = clock.now();
    expect((await retentionStatus(ctx)).warnings).toEqual([]);

    clock.advance(2 * DAY);
    expect((await retentionStatus(ctx)).warnings).toEqual([]);
    clock.advance(60_000);
    const stale = await retentionStatus(ctx);
    expect(stale.tasks.every((t) => t.stale && t.lastRunAt?.getTime() === ranAt.getTime())).toBe(true);
    expect(stale.warnings).toContain(
      `Retention task "trash" last completed ${ranAt.toISOString()} (over 2 days ago): is a worker running?`,
    );
  });
});
