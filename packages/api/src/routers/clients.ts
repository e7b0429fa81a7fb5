import {
  createClient,
  deleteClient,
  getClient,
  listClients,
  listTags,
  listTrash,
  restoreClient,
  updateClient,
} from "@crm/core";
import { byIdInput, clientCreateInput, clientListInput, clientUpdateInput, trashListInput } from "@crm/shared";
import { authedProcedure, router } from "../trpc";

export const clientsRouter = router({
  list: authedProcedure.input(clientListInput).query(({ ctx, input }) => listClients(ctx, input)),
  get: authedProcedure.input(byIdInput).query(({ ctx, input }) => getClient(ctx, input.id)),
  create: authedProcedure.input(clientCreateInput).mutation(({ ctx, input }) => createClient(ctx, input)),
  update: authedProcedure.input(clientUpdateInput).mutation(({ ctx, input }) => updateClient(ctx, input)),
  delete: authedProcedure.input(byIdInput).mutation(({ ctx, input }) => deleteClient(ctx, input.id)),
  // The configured Trash period (CRM_TRASH_RETENTION_DAYS), so the dates shown match the purge's.
  restore: authedProcedure
    .input(byIdInput)
    .mutation(({ ctx, input }) => restoreClient(ctx, input.id, ctx.retention?.trashDays)),
  trash: authedProcedure
    .input(trashListInput)
    .query(({ ctx, input }) => listTrash(ctx, input, ctx.retention?.trashDays)),
  tags: authedProcedure.query(({ ctx }) => listTags(ctx)),
});
