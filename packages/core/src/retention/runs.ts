import { schema } from "@crm/db";
import { min } from "drizzle-orm";
import type { CoreContext } from "../context";

const { retentionRuns, users } = schema;

/** Every task of the retention policy, as recorded in retention_runs.task. */
export const RETENTION_TASKS = [
  "activity-log",
  "email-bodies",
  "login-attempts",
  "expired-sign-ins",
  "imports",
  "exports",
  "trash",
] as const;
export type RetentionTask = (typeof RETENTION_TASKS)[number];

/** A task not completed for this long makes /health warn (the jobs run daily: one missed night is fine). */
export const RETENTION_STALE_AFTER_MS = 2 * 24 * 60 * 60 * 1000;

/** Records that a task completed now, and what it removed or scrubbed (by kind). */
export async function recordRetentionRun(
  ctx: CoreContext,
  task: RetentionTask,
  result: Record<string, number>,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .insert(retentionRuns)
    .values({ task, lastRunAt: now, lastResult: result })
    .onConflictDoUpdate({ target: retentionRuns.task, set: { lastRunAt: now, lastResult: result } });
}

export interface RetentionTaskState {
  task: RetentionTask;
  lastRunAt: Date | null;
  stale: boolean;
}

/**
 * Each task's last completion and whether it is overdue. A task that never ran counts as overdue
 * only once the deployment has held an account for longer than the allowance: a fresh install (or
 * an empty one) has nothing to clean up and no night has passed yet.
 */
export async function retentionStatus(ctx: CoreContext): Promise<{ tasks: RetentionTaskState[]; warnings: string[] }> {
  const now = ctx.clock.now().getTime();
  const rows = await ctx.db.select().from(retentionRuns);
  const byTask = new Map(rows.map((r) => [r.task, r.lastRunAt]));
  let neverRunIsLate: boolean | null = null;
  const tasks: RetentionTaskState[] = [];
  for (const task of RETENTION_TASKS) {
    const lastRunAt = byTask.get(task) ?? null;
    let stale: boolean;
    if (lastRunAt) {
      stale = now - lastRunAt.getTime() > RETENTION_STALE_AFTER_MS;
    } else {
      if (neverRunIsLate === null) {
        const [first] = await ctx.db.select({ at: min(users.createdAt) }).from(users);
        neverRunIsLate = first?.at ? now - first.at.getTime() > RETENTION_STALE_AFTER_MS : false;
      }
      stale = neverRunIsLate;
    }
    tasks.push({ task, lastRunAt, stale });
  }
  const warnings = tasks
    .filter((t) => t.stale)
    .map((t) =>
      t.lastRunAt
        ? `Retention task "${t.task}" last completed ${t.lastRunAt.toISOString()} (over 2 days ago): is a worker running?`
        : `Retention task "${t.task}" has never completed: is a worker running?`,
    );
  return { tasks, warnings };
}
