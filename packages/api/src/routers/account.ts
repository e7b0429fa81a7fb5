import {
  invalidateSession,
  requestEmailChange,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  sendVerificationEmail,
  verifyEmail,
} from "@crm/core";
import {
  changeEmailInput,
  type EmailDelivery,
  requestPasswordResetInput,
  resetPasswordInput,
  verifyEmailInput,
} from "@crm/shared";
import type { Context } from "../context";
import { awaitSecondFactor, signInThisBrowser } from "../sign-in";
import { authedProcedure, publicProcedure } from "../trpc";

/** Server configuration only: the same answer for every address, so it reveals nothing about accounts. */
const deliveryOf = (ctx: Context): EmailDelivery => ctx.emailDelivery ?? "outbox";

/** Sends the verification email of a new account (called by auth.signup). */
export { sendVerificationEmail };

/**
 * Password reset, email verification and email change: spread into the auth router
 * (`router({ ...procedures, ...accountProcedures })`), so their names are auth.<name>.
 */
export const accountProcedures = {
  /** Whether account emails leave the server, for pages to say what happens next. */
  emailDelivery: publicProcedure.query(({ ctx }) => ({ delivery: deliveryOf(ctx) })),

  /** The same answer whether or not the address has an account: the job looks it up. */
  requestPasswordReset: publicProcedure.input(requestPasswordResetInput).mutation(async ({ ctx, input }) => {
    await requestPasswordReset(ctx, input);
    return { delivery: deliveryOf(ctx) };
  }),

  /**
   * Sets the password, ends every session of the account and signs this browser in on a new one. With
   * two-factor on, the email alone must not open the account: like auth.login, it answers
   * {twoFactorRequired: true} and the sign-in completes with auth.verifyTwoFactor.
   */
  resetPassword: publicProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
    const { user, twoFactorRequired } = await resetPassword(ctx, input);
    ctx.sessionCache.evictUser(user.id);
    if (twoFactorRequired) {
      // Whatever session this browser had (perhaps someone else's) ends now, not at the code.
      if (ctx.sessionId) {
        await invalidateSession(ctx, ctx.sessionId);
        ctx.sessionCache.evictSession(ctx.sessionId);
        ctx.cookies.clear();
      }
      return awaitSecondFactor(ctx, user.id);
    }
    await signInThisBrowser(ctx, user.id);
    return user;
  }),

  /** Opens a verification or email-change link; works signed in or not. */
  verifyEmail: publicProcedure.input(verifyEmailInput).mutation(async ({ ctx, input }) => {
    const outcome = await verifyEmail(ctx, input);
    ctx.sessionCache.evictUser(outcome.user.id);
    return { kind: outcome.kind, email: outcome.user.email };
  }),

  resendVerification: authedProcedure.mutation(async ({ ctx }) => {
    const outcome = await resendVerification(ctx);
    if (outcome.alreadyVerified) ctx.sessionCache.evictUser(ctx.userId);
    return { ...outcome, delivery: deliveryOf(ctx) };
  }),

  /** Takes effect only when the link sent to the new address is opened. */
  changeEmail: authedProcedure.input(changeEmailInput).mutation(async ({ ctx, input }) => {
    const { email } = await requestEmailChange(ctx, input);
    return { pendingEmail: email, delivery: deliveryOf(ctx) };
  }),
};
