import type { DbOrTx } from "@crm/db";
import type { z } from "zod";

/**
 * What the queue needs of a job definition (registry.ts) to send one. Kept apart from the
 * definitions so the context, which carries a queue, does not depend on the handlers it is given to.
 */
export interface JobTarget<P> {
  name: string;
  payload: z.ZodType<P>;
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

/** One queue's state, for metrics. */
export interface QueueStats {
  queue: string;
  /** Due and not yet picked up (created or retry, start_after passed). */
  waiting: number;
  /** Scheduled for later (reminders wait for their time). */
  delayed: number;
  active: number;
  /** Failed for good (out of retries) and still kept by pg-boss. */
  failed: number;
  /** Finished in the last hour: completed, and failed for good. */
  completedLastHour: number;
  failedLastHour: number;
  oldestWaitingSeconds: number | null;
}

/** The port core uses to enqueue work; pg-boss implements it (packages/integrations). */
export interface JobQueue {
  /**
   * Enqueues on the given connection or transaction, so the job commits or rolls back with the
   * change that caused it. Returns the job id (null when a singleton rule kept it out).
   */
  send<P>(db: DbOrTx, job: JobTarget<P>, payload: P, options?: SendJobOptions): Promise<string | null>;
  /** Cancels a queued job (no-op when it already ran or is gone). */
  cancel(db: DbOrTx, queue: string, id: string): Promise<void>;
  /** Cancels the jobs of a queue still waiting (delayed or between retries) under a singleton key. */
  cancelWaiting(db: DbOrTx, queue: string, singletonKey: string): Promise<number>;
  /** Failed jobs whose payload belongs to this user (`payload.userId`). */
  listFailed(userId: string, limit?: number): Promise<FailedJob[]>;
  /** Puts a failed job back in line; false when no failed job of this user has that id. */
  retry(userId: string, id: string): Promise<boolean>;
  health(): Promise<QueueHealth>;
  /** Per-queue counts of every queue the registry knows (zeros included); throws when unreachable. */
  stats(): Promise<QueueStats[]>;
  /**
   * Deletes every job, in any state and queue (dead letters too), whose payload or output contains one
   * of these strings (case-insensitively), on the given connection or transaction: an erased account
   * leaves nothing in the queue's tables. Answers how many went.
   */
  deleteJobsMentioning(db: DbOrTx, texts: string[]): Promise<number>;
}
