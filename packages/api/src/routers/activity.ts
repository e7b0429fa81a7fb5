import { listActivity } from "@crm/core";
import { activityListInput } from "@crm/shared";
import { authedProcedure, router } from "../trpc";

export const activityRouter = router({
  list: authedProcedure.input(activityListInput).query(({ ctx, input }) => listActivity(ctx, input)),
});
