import { schema } from "@crm/db";
import { and, eq, sql } from "drizzle-orm";
import type { AuthedContext, CoreContext } from "../context";
import { listStages, lockPipeline, nextPositionIn } from "../pipeline/stages";
import {
  IMPORT_BATCH_SIZE,
  type ImportTally,
  type ImportTarget,
  insertClientsWithActivity,
  insertImportNotes,
  type MappedRow,
  sortBatch,
} from "./batch";
import { IMPORT_HEARTBEAT_MS } from "./orphans";
import { type ImportFile, readImportFile } from "./read";
import { type MapRowOptions, mapRow } from "./rows";
import { endRolledBackImport, type ImportRow, liveClientsByEmail, mapRowOptions, toMapping } from "./store";

const { imports } = schema;

export { IMPORT_BATCH_SIZE } from "./batch";

type OnBatch = (progress: { processed: number; total: number }) => Promise<void> | void;

/** One run of an import: who owns it, the file, and what it has counted so far. */
interface ImportRun {
  owner: AuthedContext;
  row: ImportRow;
  file: ImportFile;
  options: MapRowOptions;
  tally: ImportTally;
  onBatch: OnBatch | undefined;
}

class ImportCancelled extends Error {}
/** The import ended while this run was still writing it (see markCompleted). */
class ImportSettledElsewhere extends Error {}
class ImportBatchFailed extends Error {
  constructor(
    readonly firstLine: number,
    readonly lastLine: number,
    override readonly cause: unknown,
  ) {
    super(`batch of lines ${firstLine}–${lastLine}`);
  }
}

/** Raised after an import rolled back on a critical error (already recorded on the import). */
export class ImportAborted extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/**
 * Runs an import: every batch of IMPORT_BATCH_SIZE rows inside one transaction, so a critical
 * error or a cancel leaves nothing behind. Progress is written on a separate connection between
 * batches, so the user sees it live. Invalid rows are skipped and reported with their line. A
 * heartbeat says the run is alive (see orphans.ts for when it stops). Idempotent: only a queued
 * import runs; one already running or ended is left alone.
 */
export async function runImport(
  ctx: CoreContext,
  input: { userId: string; importId: string },
  onBatch?: OnBatch,
): Promise<void> {
  const owner: AuthedContext = { ...ctx, userId: input.userId };
  const row = await loadRunnable(owner, input.importId);
  if (!row) return;
  const file = readImportFile(new Uint8Array(row.content!));
  const options = await mapRowOptions(owner);
  if (!(await claimImport(owner, row.id, file.rows.length))) return;
  const tally: ImportTally = {
    counts: { created: 0, updated: 0, skipped: 0, failed: 0 },
    failures: [],
    seen: new Map(),
  };
  const heartbeat = startHeartbeat(owner, row.id);
  try {
    const run: ImportRun = { owner, row, file, options, tally, onBatch };
    await ctx.db.transaction(async (db) => {
      const tx: AuthedContext = { ...owner, db };
      await recordRunSession(owner, tx, row.id);
      await writeImport(tx, run);
      await markCompleted(tx, run);
    });
  } catch (error) {
    await recordRollback(owner, row, error);
  } finally {
    clearInterval(heartbeat);
  }
}

/** The queued import to run, or null (gone, already run or running, or cancelled before it started). */
async function loadRunnable(ctx: AuthedContext, id: string): Promise<ImportRow | null> {
  const [row] = await ctx.db
    .select()
    .from(imports)
    .where(and(eq(imports.id, id), eq(imports.userId, ctx.userId)));
  if (row?.status !== "queued" || !row.content) return null;
  if (row.cancelRequested) {
    await ctx.db
      .update(imports)
      .set({ status: "cancelled", content: null, finishedAt: ctx.clock.now() })
      .where(eq(imports.id, row.id));
    return null;
  }
  return row;
}

/** Queued → running, with a first heartbeat; false when another run or a cancel got there first. */
async function claimImport(ctx: AuthedContext, id: string, totalRows: number): Promise<boolean> {
  const now = ctx.clock.now();
  const claimed = await ctx.db
    .update(imports)
    .set({ status: "running", startedAt: now, heartbeatAt: now, totalRows, processedRows: 0 })
    .where(and(eq(imports.id, id), eq(imports.status, "queued"), eq(imports.cancelRequested, 0)))
    .returning({ id: imports.id });
  return claimed.length > 0;
}

/**
 * Beats every few seconds while the run lives, whatever a batch is waiting on: an import whose beats
 * stop is settled by settleOrphanImports. A beat that fails is not retried: the next one follows.
 */
function startHeartbeat(ctx: CoreContext, id: string): NodeJS.Timeout {
  const timer = setInterval(() => {
    ctx.db
      .update(imports)
      .set({ heartbeatAt: ctx.clock.now() })
      .where(and(eq(imports.id, id), eq(imports.status, "running")))
      .catch(() => {});
  }, IMPORT_HEARTBEAT_MS);
  timer.unref();
  return timer;
}

/**
 * Notes, outside the transaction, which database session holds it, so that settling the import if
 * this process dies or hangs can end that session (and so roll back what it wrote).
 */
async function recordRunSession(owner: AuthedContext, tx: AuthedContext, id: string): Promise<void> {
  const [session] = await tx.db.execute<{ pid: number; xact_start: string }>(
    sql`select pg_backend_pid() as pid, now()::text as xact_start`,
  );
  await owner.db
    .update(imports)
    .set({ runPid: session!.pid, runXactStart: sql`${session!.xact_start}::timestamptz` })
    .where(eq(imports.id, id));
}

/**
 * The end of the run, inside its transaction, so the import is completed exactly when its rows
 * commit. If the import was settled meanwhile (its run taken for dead), everything rolls back.
 */
async function markCompleted(tx: AuthedContext, run: ImportRun): Promise<void> {
  const completed = await tx.db
    .update(imports)
    .set({
      status: "completed",
      ...run.tally.counts,
      failures: run.tally.failures,
      processedRows: run.file.rows.length,
      content: null,
      runPid: null,
      runXactStart: null,
      finishedAt: tx.clock.now(),
    })
    .where(and(eq(imports.id, run.row.id), eq(imports.status, "running")))
    .returning({ id: imports.id });
  if (!completed.length) throw new ImportSettledElsewhere();
}

/** The body of the import's transaction: every batch, in order; throws to roll it all back. */
async function writeImport(tx: AuthedContext, run: ImportRun): Promise<void> {
  const { owner, row, file, options, tally } = run;
  await lockPipeline(tx);
  const stageId = (await listStages(tx))[0]?.id ?? null;
  let position = stageId ? await nextPositionIn(tx, stageId) : 0;
  const target: ImportTarget = {
    row,
    existing: await liveClientsByEmail(tx),
    stageId,
    nextPosition: () => (stageId ? position++ : null),
  };
  const mapping = toMapping(row.mapping);
  const total = file.rows.length;
  const mapBatch = (from: number): MappedRow[] =>
    file.rows
      .slice(from, from + IMPORT_BATCH_SIZE)
      .map((r) => ({ row: r, result: mapRow(r.values, mapping, options) }));
  let mapped = mapBatch(0);
  for (let start = 0; start < total; start += IMPORT_BATCH_SIZE) {
    const processed = Math.min(total, start + mapped.length);
    const { cancel, next } = await writeBatch(tx, target, mapped, tally, {
      writeProgress: () => writeProgress(owner, row.id, processed),
      mapNext: start + IMPORT_BATCH_SIZE < total ? () => mapBatch(start + IMPORT_BATCH_SIZE) : null,
    });
    await run.onBatch?.({ processed, total });
    if (cancel) throw new ImportCancelled();
    mapped = next ?? [];
  }
  // The deferred constraint on card positions is checked at commit.
}

/**
 * One batch: its writes inside the transaction, its progress outside it (on another connection, so
 * the bar moves while the import is uncommitted; the same statement reads the Cancel flag), and,
 * while the database works, the mapping of the next batch. Answers the flag and that next batch.
 */
async function writeBatch(
  tx: AuthedContext,
  target: ImportTarget,
  mapped: MappedRow[],
  tally: ImportTally,
  step: { writeProgress: () => Promise<{ cancel: number }[]>; mapNext: (() => MappedRow[]) | null },
): Promise<{ cancel: boolean; next: MappedRow[] | null }> {
  let progressWritten: Promise<{ cancel: number }[]> = Promise.resolve([]);
  let next: MappedRow[] | null = null;
  try {
    const inserts = await sortBatch(tx, target, mapped, tally);
    const inserted = inserts.length ? insertClientsWithActivity(tx, target, inserts).then(() => undefined) : null;
    // Handled at the await below; this keeps a failure from counting as unhandled meanwhile.
    inserted?.catch(() => {});
    progressWritten = step.writeProgress();
    progressWritten.catch(() => {});
    // While the database writes this batch, map the next one here (phone parsing and validation are
    // most of the import's own CPU): the two run at once. Neither Drizzle nor postgres.js sends a
    // query when it is built: `.then` above starts it, and postgres.js writes it to the socket only
    // after a microtask, so yield once before the synchronous mapping, or the insert waits for it.
    if (step.mapNext) {
      await new Promise((resolve) => setImmediate(resolve));
      next = step.mapNext();
    }
    await inserted;
    if (inserts.length) {
      tally.counts.created += inserts.length;
      await insertImportNotes(tx, inserts);
    }
  } catch (error) {
    throw new ImportBatchFailed(mapped[0]!.row.line, mapped[mapped.length - 1]!.row.line, error);
  }
  const [flag] = await progressWritten;
  return { cancel: Boolean(flag?.cancel), next };
}

/** Progress outside the run's transaction (on another connection); reads back the Cancel flag. */
function writeProgress(ctx: CoreContext, id: string, processed: number): Promise<{ cancel: number }[]> {
  return ctx.db
    .update(imports)
    .set({ processedRows: processed, heartbeatAt: ctx.clock.now() })
    .where(eq(imports.id, id))
    .returning({ cancel: imports.cancelRequested })
    .then((rows) => rows);
}

/** After the transaction rolled back: the import ends cancelled or failed, with nothing counted. */
async function recordRollback(ctx: AuthedContext, row: ImportRow, error: unknown): Promise<void> {
  if (error instanceof ImportSettledElsewhere) return;
  const cancelled = error instanceof ImportCancelled;
  const reason =
    error instanceof ImportBatchFailed
      ? `Nothing was imported: the database refused the ${error.message}. Fix those rows and try again.`
      : cancelled
        ? null
        : "Nothing was imported: the import stopped on an unexpected error.";
  // Unless the orphan sweep has already ended it (and said why).
  await endRolledBackImport(ctx, row.id, cancelled ? "cancelled" : "failed", reason);
  if (!cancelled) throw new ImportAborted(reason ?? "Import failed", error);
}
