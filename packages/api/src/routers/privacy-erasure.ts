import { cancelAccountDeletion, eraseClient, requestAccountDeletion } from "@crm/core";
import { DEFAULT_DELETION_GRACE_DAYS, deleteAccountInput, eraseClientInput } from "@crm/shared";
import { authedProcedure } from "../trpc";

/** privacy.deleteAccount, cancelDeletion, eraseClient. See docs/privacy.md. */
export const privacyErasureProcedures = {
  /** How long a deleted account can still be restored, for Settings to say the date. */
  deletionPolicy: authedProcedure.query(({ ctx }) => ({
    graceDays: ctx.deletionGraceDays ?? DEFAULT_DELETION_GRACE_DAYS,
  })),

  /** Schedules the hard delete and signs out everywhere, this browser too. */
  deleteAccount: authedProcedure.input(deleteAccountInput).mutation(async ({ ctx, input }) => {
    const outcome = await requestAccountDeletion(ctx, input, ctx.deletionGraceDays ?? DEFAULT_DELETION_GRACE_DAYS);
    ctx.sessionCache.evictUser(ctx.userId);
    ctx.cookies.clear();
    return outcome;
  }),

  /** Allowed while the account waits for its hard delete (trpc.ts): the account is the owner's again. */
  cancelDeletion: authedProcedure.mutation(async ({ ctx }) => {
    const outcome = await cancelAccountDeletion(ctx);
    ctx.sessionCache.evictUser(ctx.userId);
    return outcome;
  }),

  /** The right to be forgotten for one client (live or in Trash), at once. */
  eraseClient: authedProcedure.input(eraseClientInput).mutation(({ ctx, input }) => eraseClient(ctx, input)),
};
