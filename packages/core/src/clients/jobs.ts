import { z } from "zod";
import { defineJob } from "../jobs/registry";
import { DEFAULT_TRASH_RETENTION_DAYS, purgeDeletedClients } from "./trash";

/** Every night: clients in Trash longer than the retention are deleted for good. */
export const purgeTrashJob = defineJob({
  name: "clients.purge-trash",
  payload: z.object({ retentionDays: z.number().int().min(1).optional() }),
  cron: "17 3 * * *",
  retryLimit: 3,
  async handle(ctx, payload) {
    const purged = await purgeDeletedClients(ctx, payload.retentionDays ?? DEFAULT_TRASH_RETENTION_DAYS);
    if (purged) ctx.log(`purged ${purged} client(s) from Trash`);
  },
});
