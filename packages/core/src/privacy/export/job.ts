import { schema } from "@crm/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { CoreContext } from "../../context";
import { DataKeyError } from "../../crypto/data-key";
import { defineJob } from "../../jobs/registry";
import { writeAccountExport } from "./build";
import { ChunkSink, deleteChunks } from "./chunks";

const { accountExports } = schema;

/** How long a finished export can be downloaded. */
export const EXPORT_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/** Progress is written at most this often (each write is an UPDATE the status poll reads). */
const PROGRESS_EVERY_MS = 500;

export interface ExportKey {
  userId: string;
  exportId: string;
}

/** What the owner reads when their export failed: true, and free of database internals. */
function failureMessage(error: unknown, stage: string | null): string {
  if (error instanceof DataKeyError) {
    return "Some encrypted notes could not be decrypted with this server's data key, so the export was stopped. Ask the person who runs the server to check DATA_ENCRYPTION_KEY.";
  }
  return `The export stopped${stage ? ` while writing ${stage}` : ""} because of a server error. Try again; if it fails again, the server's log has the details.`;
}

/**
 * Builds an export into its chunks. Rerunning it (a retry, a crash) starts over: the chunks of an
 * earlier attempt are deleted first, so a zip is never made of two runs.
 */
export async function runAccountExport(
  ctx: CoreContext,
  key: ExportKey,
  /** Smaller batches and chunks in tests, to cross their boundaries with little data. */
  sizes: { batchSize?: number; chunkBytes?: number } = {},
): Promise<"ready" | "gone"> {
  const where = and(eq(accountExports.userId, key.userId), eq(accountExports.id, key.exportId));
  const [row] = await ctx.db.select({ id: accountExports.id }).from(accountExports).where(where);
  if (!row) return "gone"; // expired and removed, or the account was deleted

  await deleteChunks(ctx, key);
  await ctx.db
    .update(accountExports)
    .set({
      status: "running",
      progress: 0,
      stage: null,
      bytes: null,
      error: null,
      startedAt: ctx.clock.now(),
      finishedAt: null,
    })
    .where(where);

  let stage: string | null = null;
  let writtenAt = 0;
  try {
    const sink = new ChunkSink(ctx, key, sizes.chunkBytes);
    const { bytes } = await writeAccountExport(ctx, {
      ownerId: key.userId,
      sink,
      batchSize: sizes.batchSize,
      onProgress: async (p) => {
        const now = Date.now();
        if (p.stage === stage && now - writtenAt < PROGRESS_EVERY_MS) return;
        stage = p.stage;
        writtenAt = now;
        await ctx.db.update(accountExports).set({ progress: p.progress, stage: p.stage }).where(where);
      },
    });
    await sink.flush();
    const finishedAt = ctx.clock.now();
    await ctx.db
      .update(accountExports)
      .set({
        status: "ready",
        progress: 100,
        stage: null,
        bytes,
        finishedAt,
        expiresAt: new Date(finishedAt.getTime() + EXPORT_LINK_TTL_MS),
      })
      .where(where);
    return "ready";
  } catch (error) {
    await deleteChunks(ctx, key);
    await ctx.db
      .update(accountExports)
      .set({ status: "failed", error: failureMessage(error, stage), finishedAt: ctx.clock.now() })
      .where(where);
    throw error;
  }
}

/** Builds one account export (queued by requestAccountExport in the same transaction as its row). */
export const exportAccountJob = defineJob({
  name: "privacy.export-account",
  payload: z.object({ userId: z.uuid(), exportId: z.uuid() }),
  // One retry covers a worker that died mid-way; it starts the zip over.
  retryLimit: 1,
  // An export reads a whole account: one at a time per process keeps the others' work moving.
  concurrency: 1,
  async handle(ctx, payload) {
    const outcome = await runAccountExport(ctx, payload);
    if (outcome === "gone") ctx.log("export no longer exists; nothing to build", { exportId: payload.exportId });
  },
});
