import { z } from "zod";
import type { CoreContext } from "../context";
import { defineJob } from "../jobs/registry";
import { DEFAULT_RETENTION, type RetentionPolicy } from "./policy";
import { type RetentionTask, recordRetentionRun } from "./runs";
import {
  pruneActivityLog,
  pruneExpiredExports,
  pruneExpiredSignIns,
  pruneImports,
  pruneLoginAttemptRecords,
  type RetentionResult,
  scrubEmailBodies,
} from "./tasks";

/** The tasks this job runs (the Trash purge is its own job, clients.purge-trash, and records "trash"). */
const tasks: [RetentionTask, (ctx: CoreContext, policy: RetentionPolicy) => Promise<RetentionResult>][] = [
  ["login-attempts", pruneLoginAttemptRecords],
  ["expired-sign-ins", (ctx) => pruneExpiredSignIns(ctx)],
  ["imports", pruneImports],
  ["exports", (ctx) => pruneExpiredExports(ctx)],
  ["email-bodies", scrubEmailBodies],
  ["activity-log", pruneActivityLog],
];

export interface RetentionRunReport {
  completed: Partial<Record<RetentionTask, RetentionResult>>;
  failed: { task: RetentionTask; error: string }[];
}

/**
 * Runs every retention task in turn; one failing does not stop the others. Each completed task is
 * recorded in retention_runs at once (its work is already committed, batch by batch).
 */
export async function runRetentionTasks(
  ctx: CoreContext,
  policy: RetentionPolicy,
  log: (message: string, details?: Record<string, unknown>) => void = () => {},
): Promise<RetentionRunReport> {
  const report: RetentionRunReport = { completed: {}, failed: [] };
  for (const [task, run] of tasks) {
    try {
      const result = await run(ctx, policy);
      await recordRetentionRun(ctx, task, result);
      report.completed[task] = result;
      if (Object.values(result).some((n) => n > 0)) log(`retention ${task}`, result);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report.failed.push({ task, error: message });
      log(`retention ${task} failed: ${message}`);
    }
  }
  return report;
}

/** Every night: the retention policy (docs/privacy.md), with the periods the app was configured with. */
export const retentionJob = defineJob({
  name: "privacy.retention",
  payload: z.object({}),
  cron: "41 2 * * *",
  retryLimit: 3,
  retryDelaySeconds: 300,
  concurrency: 1,
  async handle(ctx) {
    const report = await runRetentionTasks(ctx, ctx.retention ?? DEFAULT_RETENTION, ctx.log);
    // Failing the job gets it retried (the completed tasks are idempotent and find little left).
    if (report.failed.length > 0) {
      throw new Error(`retention task(s) failed: ${report.failed.map((f) => `${f.task} (${f.error})`).join("; ")}`);
    }
  },
});
