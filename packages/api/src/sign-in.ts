import { createSession, invalidateSession, startTwoFactorChallenge } from "@crm/core";
import type { Context } from "./context";

/**
 * Ends whatever session this browser had (perhaps someone else's) and signs it in as `userId`: the
 * last step of sign-in, the two-factor code and a password reset.
 */
export async function signInThisBrowser(ctx: Context, userId: string): Promise<void> {
  if (ctx.sessionId) {
    await invalidateSession(ctx, ctx.sessionId);
    ctx.sessionCache.evictSession(ctx.sessionId);
  }
  const session = await createSession(ctx, userId, { userAgent: ctx.userAgent, ip: ctx.ip });
  ctx.cookies.set(session.token);
}

/** With two-factor on, a proven password (or mailbox) only opens a 5-minute wait for the code. */
export async function awaitSecondFactor(ctx: Context, userId: string): Promise<{ twoFactorRequired: true }> {
  const challenge = await startTwoFactorChallenge(ctx, userId);
  ctx.cookies.setTwoFactor(challenge.token);
  return { twoFactorRequired: true };
}
