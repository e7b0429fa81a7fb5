import { z } from "zod";
import { defineJob } from "../jobs/registry";
import { recordRetentionRun } from "../retention/runs";
import { DEFAULT_TRASH_RETENTION_DAYS, purgeDeletedClients } from "./trash";

/** Every night: clients in Trash longer than the retention (CRM_TRASH_RETENTION_DAYS) are deleted for good. */
export const purgeTrashJob = defineJob({
  name: "clients.purge-trash",
  payload: z.object({ retentionDays: z.number().int().min(1).optional() }),
  cron: "17 3 * * *",
  retryLimit: 3,
  async handle(ctx, payload) {
    const retentionDays = payload.retentionDays ?? ctx.retention?.trashDays ?? DEFAULT_TRASH_RETENTION_DAYS;
    const purged = await purgeDeletedClients(ctx, retentionDays);
    if (purged) ctx.log(`purged ${purged} client(s) from Trash`);
    await recordRetentionRun(ctx, "trash", { clients: purged });
  },
});
