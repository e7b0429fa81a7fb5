import { schema } from "@crm/db";
import {
  accountMessages,
  PASSWORD_RESET_TTL_MINUTES,
  type RequestPasswordResetInput,
  type ResetPasswordInput,
  requestPasswordResetInput,
  resetPasswordInput,
} from "@crm/shared";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { CoreContext } from "../context";
import { DomainError } from "../errors";
import { defineJob, type JobContext } from "../jobs/registry";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { sendAccountEmail } from "./account-emails";
import { consumeAccountToken, findLiveAccountToken, issueAccountToken, issuedRecently } from "./account-tokens";
import { hashPassword } from "./passwords";
import { invalidateUserSessions } from "./sessions";
import { findUserByEmail, type PublicUser, toPublicUser } from "./users";

const { users, loginAttempts, twoFactorChallenges } = schema;

export function appLink(ctx: CoreContext, path: string, token: string): string {
  if (!ctx.appUrl) throw new Error("Account emails need the app's public URL (appUrl) in the context");
  return `${ctx.appUrl.replace(/\/+$/, "")}${path}?token=${encodeURIComponent(token)}`;
}

/**
 * "Forgot password?": always the same work whatever the address, so neither the answer nor its timing
 * tells whether an account exists. Only a job is enqueued; the job looks the address up.
 */
export async function requestPasswordReset(ctx: CoreContext, rawInput: RequestPasswordResetInput): Promise<void> {
  const input = parseInput(requestPasswordResetInput, rawInput);
  if (!ctx.jobs) throw new Error("Password reset needs a job queue in the context");
  await ctx.jobs.send(ctx.db, sendPasswordResetJob, { email: input.email });
}

/** A one-hour reset link for an account (the job's email, or `crm reset-password` for an operator). */
export async function createPasswordResetLink(ctx: CoreContext, userId: string) {
  const { token, expiresAt } = await issueAccountToken(ctx, userId, "password_reset");
  return { link: appLink(ctx, "/reset-password", token), expiresAt };
}

export async function deliverPasswordReset(ctx: JobContext, email: string): Promise<void> {
  const user = await findUserByEmail(ctx, email);
  // No account (or deleted since the request): nothing to send, and nothing told to anyone.
  if (!user) return;
  if (await issuedRecently(ctx, user.id, "password_reset")) return;
  const { link } = await createPasswordResetLink(ctx, user.id);
  await sendAccountEmail(ctx, {
    userId: user.id,
    kind: "password_reset",
    to: user.email,
    subject: "Reset your password",
    text: [
      `Hi ${user.name},`,
      "",
      "Someone (hopefully you) asked to reset the password of your account. To choose a new one, open this link:",
      "",
      link,
      "",
      `The link works once, for ${PASSWORD_RESET_TTL_MINUTES} minutes. If you did not ask, ignore this email: your password stays as it is.`,
    ].join("\n"),
    link,
  });
}

export const sendPasswordResetJob = defineJob({
  name: "accounts.password-reset",
  payload: z.object({ email: z.string().min(1).max(254) }),
  retryLimit: 3,
  retryDelaySeconds: 10,
  async handle(ctx, payload) {
    await deliverPasswordReset(ctx, payload.email);
  },
});

/**
 * Sets a new password from a reset link, ends every session of the account and answers the user (the
 * caller signs them in on a new session). The link is checked before the password is hashed (hashing
 * is the costly part, and an anonymous caller must not get it for free), then spent in the same
 * transaction as the change, so of two uses racing one wins and a failure leaves it usable. With
 * two-factor on, the caller asks for the code before signing in (the email alone is one factor).
 */
export async function resetPassword(
  ctx: CoreContext,
  rawInput: ResetPasswordInput,
): Promise<{ user: PublicUser; twoFactorRequired: boolean }> {
  const input = parseInput(resetPasswordInput, rawInput);
  const invalid = () => new DomainError("VALIDATION", accountMessages.resetLinkInvalid, { field: "token" });
  const live = await findLiveAccountToken(ctx, input.token, ["password_reset"]);
  if (!live) throw invalid();
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx, async (tx) => {
    if (!(await consumeAccountToken(tx, live.tokenHash))) throw invalid();
    const [row] = await tx.db
      .update(users)
      .set({ passwordHash, updatedAt: tx.clock.now(), version: sql`${users.version} + 1` })
      .where(eq(users.id, live.userId))
      .returning();
    if (!row) throw invalid();
    await invalidateUserSessions(tx, row.id);
    // A sign-in half-way through with the old password must not complete after the reset.
    await tx.db.delete(twoFactorChallenges).where(eq(twoFactorChallenges.userId, row.id));
    // They proved they hold the address: a sign-in throttle engaged by someone guessing ends here.
    await tx.db.delete(loginAttempts).where(eq(loginAttempts.emailKey, row.email.trim().toLowerCase()));
    return { user: toPublicUser(row), twoFactorRequired: row.twoFactorEnabledAt !== null };
  });
}
