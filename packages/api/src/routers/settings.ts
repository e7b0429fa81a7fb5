import { getSettings, updateSettings } from "@crm/core";
import { settingsUpdateInput } from "@crm/shared";
import { authedProcedure, router } from "../trpc";

export const settingsRouter = router({
  get: authedProcedure.query(({ ctx }) => getSettings(ctx)),
  update: authedProcedure.input(settingsUpdateInput).mutation(async ({ ctx, input }) => {
    const user = await updateSettings(ctx, input);
    ctx.sessionCache.evictUser(ctx.userId);
    return user;
  }),
});
