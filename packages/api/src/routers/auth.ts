import { changePassword, createSession, invalidateSession, login, signup } from "@crm/core";
import { changePasswordInput, loginInput, signupInput } from "@crm/shared";
import { awaitSecondFactor, signInThisBrowser } from "../sign-in";
import { authedProcedure, publicProcedure, router } from "../trpc";
import { accountProcedures, sendVerificationEmail } from "./account";
import { sessionProcedures } from "./sessions";
import { twoFactorRouter, twoFactorSignInProcedures } from "./two-factor";

export const authRouter = router({
  signup: publicProcedure.input(signupInput).mutation(async ({ ctx, input }) => {
    const user = await signup(ctx, input);
    await sendVerificationEmail(ctx, user.id);
    const session = await createSession(ctx, user.id, { userAgent: ctx.userAgent, ip: ctx.ip });
    ctx.cookies.set(session.token);
    return user;
  }),

  /** The user, signed in; or, with two-factor on, {twoFactorRequired: true} and no session yet. */
  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { user, twoFactorRequired } = await login(ctx, input);
    if (twoFactorRequired) return awaitSecondFactor(ctx, user.id);
    await signInThisBrowser(ctx, user.id);
    return user;
  }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionId) {
      await invalidateSession(ctx, ctx.sessionId);
      ctx.sessionCache.evictSession(ctx.sessionId);
    }
    ctx.cookies.clear();
    return { ok: true as const };
  }),

  me: publicProcedure.query(({ ctx }) => ctx.user),

  /** Ends every session of the user (other devices too) and signs this browser in afresh. */
  changePassword: authedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    await changePassword(ctx, input);
    ctx.sessionCache.evictUser(ctx.userId);
    const session = await createSession(ctx, ctx.userId, { userAgent: ctx.userAgent, ip: ctx.ip });
    ctx.cookies.set(session.token);
    return { ok: true as const };
  }),

  ...accountProcedures,
  ...sessionProcedures,
  ...twoFactorSignInProcedures,
  twoFactor: twoFactorRouter,
});
