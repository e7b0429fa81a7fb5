import { schema } from "@crm/db";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { CoreContext } from "../context";
import { endRolledBackImport, type ImportRow } from "./store";

const { imports } = schema;

/** How often a live run writes its heartbeat. */
export const IMPORT_HEARTBEAT_MS = 5_000;
/** A running import whose heartbeat is older than this has no live run (missed beats, not a slow batch). */
export const IMPORT_STALE_MS = 30_000;

export const ORPHAN_REASON = "The import stopped unexpectedly (server restart); nothing was imported.";

/** True when a `running` import has no live run behind it: its heartbeat stopped. */
export function isOrphan(ctx: CoreContext, row: Pick<ImportRow, "status" | "heartbeatAt">): boolean {
  return (
    row.status === "running" &&
    (!row.heartbeatAt || row.heartbeatAt.getTime() < ctx.clock.now().getTime() - IMPORT_STALE_MS)
  );
}

/**
 * Every running import whose run died (a crash, a restart, a hung worker): each is rolled back and
 * ends `failed`, or `cancelled` when the user had asked. Answers how many it settled.
 */
export async function settleOrphanImports(ctx: CoreContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - IMPORT_STALE_MS);
  const orphans = await ctx.db
    .select()
    .from(imports)
    .where(and(eq(imports.status, "running"), or(isNull(imports.heartbeatAt), lt(imports.heartbeatAt, cutoff))));
  let settled = 0;
  for (const row of orphans) {
    if (await settleOrphan(ctx, row, row.cancelRequested ? "cancelled" : "failed")) settled++;
  }
  return settled;
}

/**
 * Rolls back what an orphaned run wrote and ends the import. Its writes are one transaction: when
 * the run's process died PostgreSQL already rolled it back; when the session is still open (a hung
 * worker), ending that session rolls it back, as a cancel or an error would. False when the import
 * moved on meanwhile (a run that was alive after all finished it).
 */
export async function settleOrphan(
  ctx: CoreContext,
  row: Pick<ImportRow, "id">,
  status: "failed" | "cancelled",
): Promise<boolean> {
  await endRunSession(ctx, row.id);
  return endRolledBackImport(ctx, row.id, status, status === "failed" ? ORPHAN_REASON : null);
}

/**
 * Ends the run's session if it still holds that very transaction (the pid alone could belong to a
 * newer session by now), waiting until its rollback is done. Compared in SQL: xact_start has
 * microseconds, which a JavaScript Date would drop.
 */
async function endRunSession(ctx: CoreContext, importId: string): Promise<void> {
  await ctx.db.execute(sql`
    select pg_terminate_backend(session.pid, 10000)
      from pg_stat_activity session
      join ${imports} on session.pid = ${imports.runPid} and session.xact_start = ${imports.runXactStart}
     where ${imports.id} = ${importId}`);
}
