import { z } from "zod";
import { defineJob } from "../jobs/registry";
import { settleOrphanImports } from "./orphans";
import { ImportAborted, runImport } from "./run";

/** Runs one import (queued by startImport, in the same transaction). */
export const runImportJob = defineJob({
  name: "imports.run",
  payload: z.object({ userId: z.uuid(), importId: z.uuid() }),
  // A rolled-back import is final (the user fixes the file), and one whose run died is settled by
  // settleOrphanImportsJob; the retry covers a job that failed before its run began.
  retryLimit: 1,
  concurrency: 1,
  async handle(ctx, payload) {
    try {
      await runImport(ctx, payload);
    } catch (error) {
      if (error instanceof ImportAborted) {
        ctx.log(error.message, { importId: payload.importId });
        return;
      }
      throw error;
    }
  },
});

/**
 * Every 20 seconds: imports left `running` by a run that died (a crash, a restart, a hung worker)
 * are rolled back and marked failed, so none stays running for good. With the heartbeat's staleness
 * that settles one within about a minute, on any server running workers.
 */
export const settleOrphanImportsJob = defineJob({
  name: "imports.settle-orphans",
  payload: z.object({}),
  cron: "*/20 * * * * *",
  policy: "exclusive",
  retryLimit: 0,
  async handle(ctx) {
    const settled = await settleOrphanImports(ctx);
    if (settled) ctx.log(`settled ${settled} import(s) whose run had stopped`);
  },
});
