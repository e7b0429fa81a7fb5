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
 * Runs `work` again when PostgreSQL aborted it as a deadlock or serialization failure, a few times,
 * after a short random pause (so the writers that collided do not collide again in step). Losing
 * such a race says nothing about the data: the rerun sees the other writer's outcome. `work` must
 * open its own transactions: call this outside any transaction, never inside one.
 */
export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/**
 * Like inTransaction, but a transaction that PostgreSQL aborts as a deadlock or serialization
 * failure is run again from the start (retryOnConflict). Only the outermost transaction retries:
 * inside a caller's transaction this is a plain savepoint and the error goes up (the locks that
 * caused it belong to the caller). `work` must keep every side effect in the transaction (jobs are
 * enqueued through it), so a rerun never repeats one.
 */
export function inRetryingTransaction<C extends CoreContext | AuthedContext, T>(
  ctx: C,
  work: (tx: C) => Promise<T>,
): Promise<T> {
  if (ctx.db instanceof PgTransaction) return inTransaction(ctx, work);
  return retryOnConflict(() => inTransaction(ctx, work));
}

/**
 * Serialises one kind of write for one owner until the transaction ends: taken first, before any
 * row lock, so concurrent writers queue instead of deadlocking. Owner-scoped, so users never wait
 * on each other; a solo professional's few tabs never wait noticeably.
 */
export async function lockOwnerScope(ctx: AuthedContext, scope: "bookings" | "pipeline"): Promise<void> {
  await ctx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`${scope}:${ctx.userId}`}))`);
}
