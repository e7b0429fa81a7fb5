import type { DbOrTx } from "@crm/db";
import type { z } from "zod";
import type { CoreContext } from "../context";

/**
 * A background job: its queue name, the zod schema of its payload and its handler. Modules declare
 * theirs in `<feature>/jobs.ts`; `allJobs` (jobs/all.ts) is the one registry the runtime starts.
 * Handlers must be idempotent: a job can run again after a crash or a retry.
 */
export interface JobDefinition<P = unknown> {
  name: string;
  payload: z.ZodType<P>;
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

export interface SendJobOptions {
  startAfter?: Date;
  /** Only one queued or active job per key (e.g. one sync per connection). */
  singletonKey?: string;
}

export interface FailedJob {
  id: string;
  queue: string;
  error: string;
  retryCount: number;
  failedAt: Date | null;
  createdAt: Date;
  payload: unknown;
}

export interface QueueHealth {
  reachable: boolean;
  backlog: number;
  oldestWaitingSeconds: number | null;
}

/** The port core uses to enqueue work; pg-boss implements it (packages/integrations). */
export interface JobQueue {
  /**
   * Enqueues on the given connection or transaction, so the job commits or rolls back with the
   * change that caused it. Returns the job id (null when a singleton rule kept it out).
   */
  send<P>(db: DbOrTx, job: JobDefinition<P>, payload: P, options?: SendJobOptions): Promise<string | null>;
  /** Cancels a queued job (no-op when it already ran or is gone). */
  cancel(db: DbOrTx, queue: string, id: string): Promise<void>;
  /** Cancels the jobs of a queue still waiting (delayed or between retries) under a singleton key. */
  cancelWaiting(db: DbOrTx, queue: string, singletonKey: string): Promise<number>;
  /** Failed jobs whose payload belongs to this user (`payload.userId`). */
  listFailed(userId: string, limit?: number): Promise<FailedJob[]>;
  /** Puts a failed job back in line; false when no failed job of this user has that id. */
  retry(userId: string, id: string): Promise<boolean>;
  health(): Promise<QueueHealth>;
}

export interface JobContext extends CoreContext {
  jobs: JobQueue;
  log: (message: string, details?: Record<string, unknown>) => void;
}
