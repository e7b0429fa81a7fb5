import type { CoreContext } from "../context";
import type { JobQueue, JobTarget } from "./queue";

export type { FailedJob, JobQueue, JobTarget, QueueHealth, QueueStats, SendJobOptions } from "./queue";

/**
 * A background job: its queue name, the zod schema of its payload and its handler. Modules declare
 * theirs in `<feature>/jobs.ts`; `allJobs` (jobs/all.ts) is the one registry the runtime starts.
 * Handlers must be idempotent: a job can run again after a crash or a retry.
 */
export interface JobDefinition<P = unknown> extends JobTarget<P> {
  /** Retries after the first failure, with exponential backoff; then the dead-letter queue. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryDelayMaxSeconds?: number;
  /**
   * pg-boss queue policy; "stately" keeps at most one job per state (waiting, running…) for each
   * singleton key. Default "standard".
   */
  policy?: "standard" | "stately" | "singleton" | "short" | "exclusive";
  /** Cron (UTC) for jobs the runtime schedules itself. */
  cron?: string;
  /**
   * At most how many of this job one process runs at once (default 100: independent, I/O-bound jobs
   * such as sends and syncs). 1 means one at a time, e.g. imports that hold a transaction each.
   */
  concurrency?: number;
  handle(ctx: JobContext, payload: P, job: { id: string; retryCount: number }): Promise<void>;
}

export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

export interface JobContext extends CoreContext {
  jobs: JobQueue;
  log: (message: string, details?: Record<string, unknown>) => void;
}
