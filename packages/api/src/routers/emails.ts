import { bounceRate, listEmails } from "@crm/core";
import { emailListInput } from "@crm/shared";
import { authedProcedure, router } from "../trpc";

export const emailsRouter = router({
  /** The Sent emails page: every message with its status, newest first. */
  list: authedProcedure.input(emailListInput).query(({ ctx, input }) => listEmails(ctx, input)),
  /** Bounces in the last 24 hours; `warning` above 5%. */
  deliveryHealth: authedProcedure.query(({ ctx }) => bounceRate(ctx, ctx.userId)),
});
