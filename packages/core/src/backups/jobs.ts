import { z } from "zod";
import { defineJob } from "../jobs/registry";

/** Every night: a backup of the whole database into the backup directory, then the old ones pruned. */
export const nightlyBackupJob = defineJob({
  name: "backups.nightly",
  payload: z.object({}),
  cron: "40 2 * * *",
  retryLimit: 3,
  retryDelaySeconds: 300,
  concurrency: 1,
  async handle(ctx) {
    if (!ctx.backups) {
      ctx.log("nightly backup skipped: this process has no backup directory");
      return;
    }
    const result = await ctx.backups.run(ctx.clock.now());
    ctx.log(`backup written: ${result.file} (${result.bytes} bytes)`, {
      pruned: result.pruned.length ? result.pruned : undefined,
    });
  },
});
