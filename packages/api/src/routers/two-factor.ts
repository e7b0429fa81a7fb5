import {
  disableTwoFactor,
  enableTwoFactor,
  setupTwoFactor,
  twoFactorStatus,
  verifyTwoFactorChallenge,
} from "@crm/core";
import { disableTwoFactorInput, enableTwoFactorInput, verifyTwoFactorInput } from "@crm/shared";
import { signInThisBrowser } from "../sign-in";
import { authedProcedure, publicProcedure, router } from "../trpc";

/** The name authenticator apps list the account under. */
const ISSUER = "CRM";

/** auth.twoFactor: turning two-factor sign-in on and off (Settings → Security). */
export const twoFactorRouter = router({
  status: authedProcedure.query(({ ctx }) => twoFactorStatus(ctx)),
  setup: authedProcedure.mutation(({ ctx }) => setupTwoFactor(ctx, { issuer: ISSUER })),
  enable: authedProcedure.input(enableTwoFactorInput).mutation(({ ctx, input }) => enableTwoFactor(ctx, input)),
  disable: authedProcedure.input(disableTwoFactorInput).mutation(async ({ ctx, input }) => {
    await disableTwoFactor(ctx, input);
    return { ok: true as const };
  }),
});

/** auth.verifyTwoFactor: the sign-in's second step, after login answered {twoFactorRequired: true}. */
export const twoFactorSignInProcedures = {
  verifyTwoFactor: publicProcedure.input(verifyTwoFactorInput).mutation(async ({ ctx, input }) => {
    const user = await verifyTwoFactorChallenge(ctx, ctx.cookies.twoFactorToken, input);
    ctx.cookies.clearTwoFactor();
    await signInThisBrowser(ctx, user.id);
    return user;
  }),
};
