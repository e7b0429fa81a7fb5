import { schema } from "@crm/db";
import { messages, twoFactorMessages, type VerifyTwoFactorInput, verifyTwoFactorInput } from "@crm/shared";
import { and, eq, isNotNull, lt, or, sql } from "drizzle-orm";
import type { CoreContext } from "../context";
import { DomainError } from "../errors";
import { parseInput } from "../validation";
import { recoveryCodeLooksValid, spendRecoveryCode } from "./recovery-codes";
import { generateSessionToken, hashToken } from "./sessions";
import { matchTotpStep } from "./totp";
import { openTotpSecret } from "./two-factor";
import { clearLoginAttempts, emailKey, type PublicUser, reserveLoginAttempt, toPublicUser } from "./users";

const { users, twoFactorChallenges } = schema;

/** How long the second step may take after the password was accepted. */
export const TWO_FACTOR_CHALLENGE_MS = 5 * 60 * 1000;

/**
 * A sign-in that passed the password and waits for the code. The browser holds a random token (a
 * short-lived cookie); the database holds its SHA-256, like session tokens.
 */
export async function startTwoFactorChallenge(
  ctx: CoreContext,
  userId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const now = ctx.clock.now();
  const token = generateSessionToken();
  const expiresAt = new Date(now.getTime() + TWO_FACTOR_CHALLENGE_MS);
  // The user's stale challenges go as new ones come: the table stays as small as its live sign-ins.
  await ctx.db
    .delete(twoFactorChallenges)
    .where(and(eq(twoFactorChallenges.userId, userId), lt(twoFactorChallenges.expiresAt, now)));
  await ctx.db.insert(twoFactorChallenges).values({ tokenHash: hashToken(token), userId, createdAt: now, expiresAt });
  return { token, expiresAt };
}

/**
 * The second step: a TOTP code (not used before) or an unused recovery code. Every try draws on
 * the email's sign-in budget, like a password; success clears it and ends the challenge, and the
 * caller issues the session. An unknown, expired or used challenge is UNAUTHENTICATED (back to the
 * password); a wrong code is VALIDATION on `code`.
 */
export async function verifyTwoFactorChallenge(
  ctx: CoreContext,
  challengeToken: string | undefined,
  rawInput: VerifyTwoFactorInput,
): Promise<PublicUser> {
  const input = parseInput(verifyTwoFactorInput, rawInput);
  const expired = () => new DomainError("UNAUTHENTICATED", twoFactorMessages.challengeExpired);
  if (!challengeToken) throw expired();
  const tokenHash = hashToken(challengeToken);
  const [challenge] = await ctx.db
    .select({ userId: twoFactorChallenges.userId, expiresAt: twoFactorChallenges.expiresAt })
    .from(twoFactorChallenges)
    .where(eq(twoFactorChallenges.tokenHash, tokenHash));
  if (!challenge || challenge.expiresAt.getTime() <= ctx.clock.now().getTime()) throw expired();
  const [user] = await ctx.db.select().from(users).where(eq(users.id, challenge.userId));
  if (!user?.twoFactorEnabledAt || !user.twoFactorSecret) throw expired();

  const key = emailKey(user.email);
  const retryAfterSeconds = await reserveLoginAttempt(ctx, key);
  if (retryAfterSeconds !== null) {
    throw new DomainError("THROTTLED", messages.throttled(retryAfterSeconds), { retryAfterSeconds });
  }

  const digits = input.code.replace(/\s+/g, "");
  if (/^\d{6}$/.test(digits)) {
    const step = matchTotpStep(openTotpSecret(ctx, user.id, user.twoFactorSecret), digits, ctx.clock.now());
    if (step === null) throw new DomainError("VALIDATION", twoFactorMessages.wrongCode, { field: "code" });
    // Remember the step, and only move it forward: of two sign-ins with one code, one passes.
    const accepted = await ctx.db
      .update(users)
      .set({ twoFactorLastStep: step })
      .where(
        and(
          eq(users.id, user.id),
          isNotNull(users.twoFactorEnabledAt),
          or(sql`${users.twoFactorLastStep} is null`, lt(users.twoFactorLastStep, step)),
        ),
      )
      .returning({ id: users.id });
    if (accepted.length === 0) {
      throw new DomainError("VALIDATION", twoFactorMessages.codeAlreadyUsed, { field: "code" });
    }
  } else if (!recoveryCodeLooksValid(input.code) || !(await spendRecoveryCode(ctx, user.id, input.code))) {
    throw new DomainError("VALIDATION", twoFactorMessages.wrongCode, { field: "code" });
  }

  // The challenge is single-use too: a second request racing on it after a success finds it gone.
  const ended = await ctx.db
    .delete(twoFactorChallenges)
    .where(eq(twoFactorChallenges.tokenHash, tokenHash))
    .returning({ userId: twoFactorChallenges.userId });
  if (ended.length === 0) throw expired();
  await clearLoginAttempts(ctx, key);
  return toPublicUser(user);
}
