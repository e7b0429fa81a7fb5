import { sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { AuthedContext, CoreContext } from "./context";
import { pgErrorCode } from "./errors";

/**
 * Runs `work` in a transaction, or inside the caller's transaction when there already is one
 * (drizzle's transaction handle opens a savepoint when asked for a nested transaction).
 */
export function inTransaction<C extends CoreContext | AuthedContext, T>(
  ctx: C,
  work: (tx: C) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction((tx) => work({ ...ctx, db: tx }));
}

/** Deadlock detected, serialization failure: PostgreSQL rolled the whole transaction back; rerunning it is safe. */
const RETRYABLE = new Set(["40P01", "40001"]);
const MAX_ATTEMPTS = 4;

export function isRetryableConflict(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code !== undefined && RETRYABLE.has(code);
}

/**
 * Like inTransaction, but a transaction that PostgreSQL aborts as a deadlock or serialization
 * failure is run again from the start, a few times, after a short random pause. Only the
 * outermost transaction retries: inside a caller's transaction this is a plain savepoint and the
 * error goes up (the locks that caused it belong to the caller). `work` must keep every side effect
 * in the transaction (jobs are enqueued through it), so a rerun never repeats one.
 */
export async function inRetryingTransaction<C extends CoreContext | AuthedContext, T>(
  ctx: C,
  work: (tx: C) => Promise<T>,
): Promise<T> {
  if (ctx.db instanceof PgTransaction) return inTransaction(ctx, work);
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(ctx, work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw error;
      // Jitter, so the transactions that collided do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/**
 * Serialises one kind of write for one owner until the transaction ends: taken first, before any
 * row lock, so concurrent writers queue instead of deadlocking. Owner-scoped, so users never wait
 * on each other; a solo professional's few tabs never wait noticeably.
 */
export async function lockOwnerScope(ctx: AuthedContext, scope: "bookings" | "pipeline"): Promise<void> {
  await ctx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`${scope}:${ctx.userId}`}))`);
}
