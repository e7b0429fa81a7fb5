import { schema } from "@crm/db";
import {
  accountMessages,
  type ChangeEmailInput,
  changeEmailInput,
  EMAIL_LINK_TTL_HOURS,
  messages,
  type VerifyEmailInput,
  verifyEmailInput,
} from "@crm/shared";
import { and, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { AuthedContext, CoreContext } from "../context";
import { DomainError, pgErrorCode } from "../errors";
import { defineJob, type JobContext } from "../jobs/registry";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { sendAccountEmail } from "./account-emails";
import {
  consumeAccountToken,
  findLiveAccountToken,
  issueAccountToken,
  issuedRecently,
  voidAccountTokens,
} from "./account-tokens";
import { appLink } from "./password-reset";
import { verifyPassword } from "./passwords";
import { type PublicUser, toPublicUser } from "./users";

const { users } = schema;

const emailTaken = () => new DomainError("DUPLICATE", messages.emailTaken, { field: "email" });

async function findUser(ctx: CoreContext, userId: string) {
  const [row] = await ctx.db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row;
}

/** Another account already signs in with this address (case-insensitively)? */
async function takenByAnother(ctx: CoreContext, email: string, userId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`, ne(users.id, userId)))
    .limit(1);
  return row !== undefined;
}

// --- Verification of the sign-up address ---

/**
 * Enqueues the verification email (after sign-up, or "Resend link"); the job writes the link. With no
 * job queue (app tests that run none) nothing is sent: the banner's "Resend link" can send it later.
 */
export async function sendVerificationEmail(ctx: CoreContext, userId: string): Promise<void> {
  await ctx.jobs?.send(ctx.db, sendVerificationJob, { userId });
}

/**
 * "Resend link": answers whether there was anything to verify, and whether a link went out less than a
 * minute ago (then nothing new is sent, and the page says so rather than promising another email).
 */
export async function resendVerification(
  ctx: AuthedContext,
): Promise<{ alreadyVerified: boolean; sentRecently: boolean }> {
  const user = await findUser(ctx, ctx.userId);
  if (!user) throw new DomainError("NOT_FOUND", messages.notFound);
  if (user.emailVerifiedAt) return { alreadyVerified: true, sentRecently: false };
  if (await issuedRecently(ctx, user.id, "email_verification")) return { alreadyVerified: false, sentRecently: true };
  if (!ctx.jobs) throw new Error("Email verification needs a job queue in the context");
  await sendVerificationEmail(ctx, ctx.userId);
  return { alreadyVerified: false, sentRecently: false };
}

export async function deliverVerification(ctx: JobContext, userId: string): Promise<void> {
  const user = await findUser(ctx, userId);
  if (!user || user.emailVerifiedAt) return;
  if (await issuedRecently(ctx, user.id, "email_verification")) return;
  const { token } = await issueAccountToken(ctx, user.id, "email_verification");
  const link = appLink(ctx, "/verify-email", token);
  await sendAccountEmail(ctx, {
    userId: user.id,
    kind: "email_verification",
    to: user.email,
    subject: "Confirm your email address",
    text: [
      `Hi ${user.name},`,
      "",
      "Please confirm that this is your email address by opening this link:",
      "",
      link,
      "",
      `The link works for ${EMAIL_LINK_TTL_HOURS} hours. If you did not create an account, ignore this email.`,
    ].join("\n"),
    link,
  });
}

export const sendVerificationJob = defineJob({
  name: "accounts.verify-email",
  payload: z.object({ userId: z.uuid() }),
  retryLimit: 3,
  retryDelaySeconds: 10,
  async handle(ctx, payload) {
    await deliverVerification(ctx, payload.userId);
  },
});

// --- Changing the address ---

/**
 * Asks to move the account to a new address. Nothing changes yet: a link goes to the new address
 * (the change happens when it is opened) and a notice to the current one. Answers the address the
 * link went to.
 */
export async function requestEmailChange(ctx: AuthedContext, rawInput: ChangeEmailInput): Promise<{ email: string }> {
  const input = parseInput(changeEmailInput, rawInput);
  if (!ctx.jobs) throw new Error("Changing the email needs a job queue in the context");
  const user = await findUser(ctx, ctx.userId);
  if (!user) throw new DomainError("NOT_FOUND", messages.notFound);
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    throw new DomainError("VALIDATION", accountMessages.wrongPassword, { field: "password" });
  }
  if (input.email.toLowerCase() === user.email.toLowerCase()) {
    throw new DomainError("VALIDATION", accountMessages.sameEmail, { field: "email" });
  }
  if (await takenByAnother(ctx, input.email, ctx.userId)) throw emailTaken();
  await ctx.jobs.send(ctx.db, sendEmailChangeJob, { userId: ctx.userId, newEmail: input.email });
  return { email: input.email };
}

export async function deliverEmailChange(ctx: JobContext, userId: string, newEmail: string): Promise<void> {
  const user = await findUser(ctx, userId);
  if (!user) return;
  // Taken since the request: the link could only fail; the person sees the change did not happen.
  if (await takenByAnother(ctx, newEmail, userId)) return;
  const { token } = await issueAccountToken(ctx, user.id, "email_change", { newEmail });
  const link = appLink(ctx, "/verify-email", token);
  await sendAccountEmail(ctx, {
    userId: user.id,
    kind: "email_change",
    to: newEmail,
    subject: "Confirm your new email address",
    text: [
      `Hi ${user.name},`,
      "",
      `To sign in with ${newEmail} from now on, open this link:`,
      "",
      link,
      "",
      `The link works for ${EMAIL_LINK_TTL_HOURS} hours. Until it is opened, your account keeps its current address.`,
      "If you did not ask for this, ignore this email.",
    ].join("\n"),
    link,
  });
  // Told with no link: whoever asked needed the password, and the address only changes on the link.
  await sendAccountEmail(ctx, {
    userId: user.id,
    kind: "email_change_notice",
    to: user.email,
    subject: "A change of your sign-in email was requested",
    text: [
      `Hi ${user.name},`,
      "",
      `Someone signed in to your account asked to change its email address to ${newEmail}.`,
      "Nothing changes until a link sent to that address is opened.",
      "",
      "If this was not you, change your password now: someone knows it.",
    ].join("\n"),
  });
}

export const sendEmailChangeJob = defineJob({
  name: "accounts.change-email",
  payload: z.object({ userId: z.uuid(), newEmail: z.string().min(1).max(254) }),
  retryLimit: 3,
  retryDelaySeconds: 10,
  async handle(ctx, payload) {
    await deliverEmailChange(ctx, payload.userId, payload.newEmail);
  },
});

// --- Opening a link ---

export type VerifyEmailOutcome = { kind: "verified" | "emailChanged"; user: PublicUser };

/**
 * Opens a verification or email-change link (the same page serves both). The link is spent in the
 * transaction that acts on it: a failure (the new address taken meanwhile) leaves it unspent and
 * changes nothing.
 */
export async function verifyEmail(ctx: CoreContext, rawInput: VerifyEmailInput): Promise<VerifyEmailOutcome> {
  const input = parseInput(verifyEmailInput, rawInput);
  const invalid = () => new DomainError("VALIDATION", accountMessages.verifyLinkInvalid, { field: "token" });
  const live = await findLiveAccountToken(ctx, input.token, ["email_verification", "email_change"]);
  if (!live) throw invalid();
  try {
    return await inTransaction(ctx, async (tx) => {
      if (!(await consumeAccountToken(tx, live.tokenHash))) throw invalid();
      const now = tx.clock.now();
      if (live.purpose === "email_change" && live.newEmail) {
        if (await takenByAnother(tx, live.newEmail, live.userId)) throw emailTaken();
        const [row] = await tx.db
          .update(users)
          .set({ email: live.newEmail, emailVerifiedAt: now, updatedAt: now, version: sql`${users.version} + 1` })
          .where(eq(users.id, live.userId))
          .returning();
        if (!row) throw invalid();
        // Links written for the old address mean nothing now.
        await voidAccountTokens(tx, row.id, ["email_verification", "password_reset"]);
        return { kind: "emailChanged" as const, user: toPublicUser(row) };
      }
      const [row] = await tx.db
        .update(users)
        .set({
          emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now.toISOString()}::timestamptz)`,
          updatedAt: now,
        })
        .where(eq(users.id, live.userId))
        .returning();
      if (!row) throw invalid();
      return { kind: "verified" as const, user: toPublicUser(row) };
    });
  } catch (error) {
    // Two accounts racing for one address: the unique index decides, and the loser hears why.
    if (pgErrorCode(error) === "23505") throw emailTaken();
    throw error;
  }
}
