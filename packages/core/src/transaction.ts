import type { AuthedContext, CoreContext } from "./context";

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
