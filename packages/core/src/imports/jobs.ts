import { z } from "zod";
import { defineJob } from "../jobs/registry";
import { ImportAborted, runImport } from "./run";

/** Runs one import (queued by startImport, in the same transaction). */
export const runImportJob = defineJob({
  name: "imports.run",
  payload: z.object({ userId: z.uuid(), importId: z.uuid() }),
  // A rolled-back import is final (the user fixes the file); only a crash mid-run is retried.
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
