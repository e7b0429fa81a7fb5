import { schema } from "@crm/db";
import { type DeleteAccountInput, deleteAccountInput, formatInZone, messages } from "@crm/shared";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import { sendAccountEmail } from "../auth/account-emails";
import { verifyPassword } from "../auth/passwords";
import { clearLoginAttempts, emailKey, reserveLoginAttempt } from "../auth/users";
import { disconnectGoogle } from "../calendar-sync/connection";
import type { AuthedContext } from "../context";
import { DomainError } from "../errors";
import { defineJob, type JobContext } from "../jobs/registry";
import { sendReminderJob } from "../reminders/jobs";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";

const { calendarConnections, calendarOauthStates, emailMessages, sessions, twoFactorChallenges, users } = schema;

const DAY_MS = 24 * 60 * 60 * 1000;

export const deletionMessages = {
  wrongPassword: "Password is incorrect",
  notPending: "Your account is not scheduled for deletion",
} as const;

/**
 * privacy.deleteAccount: after the password (counted like a sign-in attempt, so it cannot be guessed
 * here instead), in one transaction: the account is marked for deletion in `graceDays`, every session
 * and pending two-factor sign-in ends, every reminder still to go out is cancelled with its job, and the
 * owner's notice is queued. Then Google is disconnected and its token revoked (best effort, after the
 * commit, as disconnectGoogle does). The hard delete (hard-delete.ts) comes when the grace ends, unless
 * the owner signs in and cancels.
 */
export async function requestAccountDeletion(
  ctx: AuthedContext,
  rawInput: DeleteAccountInput,
  graceDays: number,
): Promise<{ deletionScheduledFor: Date }> {
  const input = parseInput(deleteAccountInput, rawInput);
  const jobs = ctx.jobs;
  if (!jobs) throw new Error("Deleting an account needs a job queue in the context");
  const [user] = await ctx.db
    .select({ email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, ctx.userId));
  if (!user) throw new DomainError("NOT_FOUND", messages.notFound);
  const key = emailKey(user.email);
  const retryAfterSeconds = await reserveLoginAttempt(ctx, key);
  if (retryAfterSeconds !== null) {
    throw new DomainError("THROTTLED", messages.throttled(retryAfterSeconds), { retryAfterSeconds });
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    throw new DomainError("VALIDATION", deletionMessages.wrongPassword, { field: "password" });
  }
  await clearLoginAttempts(ctx, key);

  const now = ctx.clock.now();
  const deletionScheduledFor = new Date(now.getTime() + graceDays * DAY_MS);
  await inTransaction(ctx, async (tx) => {
    await tx.db
      .update(users)
      .set({
        deletionRequestedAt: now,
        deletionScheduledFor,
        updatedAt: now,
        version: sql`${users.version} + 1`,
      })
      .where(eq(users.id, ctx.userId));
    await tx.db.delete(sessions).where(eq(sessions.userId, ctx.userId));
    await tx.db.delete(twoFactorChallenges).where(eq(twoFactorChallenges.userId, ctx.userId));
    // A Google consent still in flight must not reconnect the account when it comes back.
    await tx.db.delete(calendarOauthStates).where(eq(calendarOauthStates.userId, ctx.userId));
    await cancelPendingEmails(tx, ctx.userId);
    await jobs.send(tx.db, deletionScheduledEmailJob, { userId: ctx.userId });
  });
  await forgetGoogle(ctx);
  return { deletionScheduledFor };
}

/** Every client email still waiting to go out is cancelled, and its job with it. */
async function cancelPendingEmails(ctx: AuthedContext, userId: string): Promise<number> {
  const cancelled = await ctx.db
    .update(emailMessages)
    .set({ status: "cancelled", updatedAt: ctx.clock.now() })
    .where(and(eq(emailMessages.userId, userId), inArray(emailMessages.status, ["scheduled", "sending"])))
    .returning({ jobId: emailMessages.jobId });
  for (const { jobId } of cancelled) {
    if (jobId && ctx.jobs) await ctx.jobs.cancel(ctx.db, sendReminderJob.name, jobId);
  }
  return cancelled.length;
}

/**
 * Google: disconnected and the token revoked where Google is configured; without the configuration
 * the tokens cannot be revoked, but the connection (and with it the encrypted tokens) still goes.
 */
async function forgetGoogle(ctx: AuthedContext): Promise<void> {
  if (ctx.calendar) {
    await disconnectGoogle(ctx);
    return;
  }
  await ctx.db.delete(calendarConnections).where(eq(calendarConnections.userId, ctx.userId));
}

/**
 * privacy.cancelDeletion: the account is the owner's again. Google stays disconnected (its token was
 * revoked) and reminders cancelled at the request stay cancelled; bookings changed from now on get
 * theirs as usual.
 */
export async function cancelAccountDeletion(ctx: AuthedContext): Promise<{ cancelled: true }> {
  const updated = await ctx.db
    .update(users)
    .set({
      deletionRequestedAt: null,
      deletionScheduledFor: null,
      updatedAt: ctx.clock.now(),
      version: sql`${users.version} + 1`,
    })
    .where(and(eq(users.id, ctx.userId), isNotNull(users.deletionScheduledFor)))
    .returning({ id: users.id });
  if (updated.length === 0) throw new DomainError("VALIDATION", deletionMessages.notPending);
  return { cancelled: true };
}

/** The date as the owner reads it, in their zone, as the app shows it ("Wednesday 15 April 2026"). */
function longDate(at: Date, timeZone: string): string {
  return formatInZone(at, timeZone, "EEEE d MMMM yyyy");
}

export async function deliverDeletionScheduled(ctx: JobContext, userId: string): Promise<void> {
  const [user] = await ctx.db
    .select({
      email: users.email,
      name: users.name,
      timeZone: users.timeZone,
      scheduledFor: users.deletionScheduledFor,
    })
    .from(users)
    .where(eq(users.id, userId));
  // Cancelled (or already deleted) before the email went: nothing to say.
  if (!user?.scheduledFor) return;
  const when = longDate(user.scheduledFor, user.timeZone);
  const signIn = ctx.appUrl ? `${ctx.appUrl.replace(/\/+$/, "")}/login` : "the sign-in page";
  await sendAccountEmail(ctx, {
    userId,
    kind: "deletion_scheduled",
    to: user.email,
    subject: `Your account will be deleted on ${when}`,
    text: [
      `Hi ${user.name},`,
      "",
      `You asked to delete your account. It will be deleted for good on ${when}, with every client,`,
      "note, booking and email in it. You have been signed out everywhere, Google Calendar was",
      "disconnected, and no reminders will be sent.",
      "",
      `Changed your mind? Sign in before then (${signIn}) and choose "Cancel deletion".`,
      "",
      "If you did not ask for this, sign in, cancel the deletion and change your password.",
      "",
    ].join("\n"),
  });
}

/** The owner's notice that the account will be deleted, and how to stop it. */
export const deletionScheduledEmailJob = defineJob({
  name: "privacy.deletion-scheduled-email",
  payload: z.object({ userId: z.uuid() }),
  retryLimit: 3,
  retryDelaySeconds: 10,
  async handle(ctx, payload) {
    await deliverDeletionScheduled(ctx, payload.userId);
  },
});
