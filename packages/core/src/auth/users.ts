import { schema } from "@crm/db";
import {
  type ChangePasswordInput,
  changePasswordInput,
  type LoginInput,
  loginInput,
  messages,
  type SignupInput,
  signupInput,
} from "@crm/shared";
import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import type { AuthedContext, CoreContext } from "../context";
import { DomainError, pgErrorCode } from "../errors";
import { createDefaultStages } from "../pipeline/stages";
import { deleteInBatches } from "../sql";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords";

const { users, loginAttempts, sessions, twoFactorChallenges } = schema;

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  timeZone: string;
  phoneRegion: string;
  /** The address was proven by opening a link sent to it (users.email_verified_at). */
  emailVerified: boolean;
  /** Set while the account waits for its hard delete (privacy.deleteAccount); null otherwise. */
  deletionScheduledFor: Date | null;
}

export function toPublicUser(row: typeof users.$inferSelect): PublicUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    timeZone: row.timeZone,
    phoneRegion: row.phoneRegion,
    emailVerified: row.emailVerifiedAt !== null,
    deletionScheduledFor: row.deletionScheduledFor,
  };
}

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 60 * 60 * 1000;

export const emailKey = (email: string) => email.trim().toLowerCase();

export async function findUserByEmail(ctx: CoreContext, email: string) {
  const [row] = await ctx.db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${emailKey(email)}`)
    .limit(1);
  return row;
}

export async function signup(ctx: CoreContext, rawInput: SignupInput): Promise<PublicUser> {
  const input = parseInput(signupInput, rawInput);
  if (await findUserByEmail(ctx, input.email)) {
    throw new DomainError("DUPLICATE", messages.emailTaken, { field: "email" });
  }
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  try {
    return await inTransaction(ctx, async (tx) => {
      const [row] = await tx.db
        .insert(users)
        .values({
          email: input.email,
          name: input.name,
          passwordHash,
          timeZone: input.timeZone ?? "UTC",
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await createDefaultStages(tx, row!.id);
      return toPublicUser(row!);
    });
  } catch (error) {
    // Two sign-ups racing for one email: the unique index decides.
    if (pgErrorCode(error) === "23505") throw new DomainError("DUPLICATE", messages.emailTaken, { field: "email" });
    throw error;
  }
}

/**
 * Checks the password, throttled per email (existing or not, so the answer reveals nothing):
 * after LOGIN_MAX_FAILURES failures within LOGIN_WINDOW_MS, every attempt is refused until the
 * oldest failure leaves the window. The attempt is recorded before the password is checked, so
 * concurrent sign-ins cannot all slip under the limit; a success clears the record.
 */
export async function login(
  ctx: CoreContext,
  rawInput: LoginInput,
): Promise<{ user: PublicUser; twoFactorRequired: boolean }> {
  const input = parseInput(loginInput, rawInput);
  const key = emailKey(input.email);
  const retryAfterSeconds = await reserveLoginAttempt(ctx, key);
  if (retryAfterSeconds !== null) {
    throw new DomainError("THROTTLED", messages.throttled(retryAfterSeconds), { retryAfterSeconds });
  }

  const user = await findUserByEmail(ctx, input.email);
  let ok = false;
  if (user) ok = await verifyPassword(user.passwordHash, input.password);
  else await burnPasswordCheck(input.password);
  if (!user || !ok) throw new DomainError("UNAUTHENTICATED", messages.invalidCredentials);
  // With two-factor on, the password alone proves too little to reset the budget: the code guesses
  // that follow draw on the same one (see auth/two-factor.ts).
  if (user.twoFactorEnabledAt) return { user: toPublicUser(user), twoFactorRequired: true };
  await clearLoginAttempts(ctx, key);
  return { user: toPublicUser(user), twoFactorRequired: false };
}

export async function clearLoginAttempts(ctx: CoreContext, key: string): Promise<void> {
  await ctx.db.delete(loginAttempts).where(eq(loginAttempts.emailKey, key));
}

/**
 * Takes one attempt from the email's budget: records it and answers null, or answers the seconds
 * until the budget frees up (recording nothing). A per-email advisory lock makes count-then-insert
 * atomic; it needs its own statement before the count, as a statement's snapshot predates any lock
 * it takes and would miss the rows the previous holder committed.
 */
export async function reserveLoginAttempt(ctx: CoreContext, key: string): Promise<number | null> {
  return inTransaction(ctx, async ({ db }) => {
    await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`login:${key}`}, 0))`);
    // Read after the wait: an earlier reading could precede the attempts recorded while waiting,
    // making Retry-After longer than the window.
    const now = ctx.clock.now();
    const windowStart = new Date(now.getTime() - LOGIN_WINDOW_MS);
    const failures = await db
      .select({ attemptedAt: loginAttempts.attemptedAt })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.emailKey, key), gt(loginAttempts.attemptedAt, windowStart)))
      .orderBy(asc(loginAttempts.attemptedAt));
    if (failures.length >= LOGIN_MAX_FAILURES) {
      const oldest = failures[failures.length - LOGIN_MAX_FAILURES]!.attemptedAt;
      return Math.max(1, Math.ceil((oldest.getTime() + LOGIN_WINDOW_MS - now.getTime()) / 1000));
    }
    await db.insert(loginAttempts).values({ emailKey: key, attemptedAt: now });
    return null;
  });
}

/** Changes the password and ends every session of the user; the caller issues a fresh one. */
export async function changePassword(ctx: AuthedContext, rawInput: ChangePasswordInput): Promise<void> {
  const input = parseInput(changePasswordInput, rawInput);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, ctx.userId)).limit(1);
  if (!user) throw new DomainError("NOT_FOUND", messages.notFound);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new DomainError("VALIDATION", "Current password is incorrect", { field: "currentPassword" });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, updatedAt: ctx.clock.now(), version: sql`${users.version} + 1` })
      .where(eq(users.id, ctx.userId));
    await tx.delete(sessions).where(eq(sessions.userId, ctx.userId));
    // So must a sign-in half-way through with the old password (it waits for its code).
    await tx.delete(twoFactorChallenges).where(eq(twoFactorChallenges.userId, ctx.userId));
  });
}

/**
 * Deletes failed sign-in records older than `olderThanMs` (the retention job passes its period), in
 * batches. Never younger than the throttle window: the throttle counts those records.
 */
export async function pruneLoginAttempts(ctx: CoreContext, olderThanMs = LOGIN_WINDOW_MS): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - Math.max(olderThanMs, LOGIN_WINDOW_MS));
  return deleteInBatches(ctx.db, loginAttempts, loginAttempts.id, lt(loginAttempts.attemptedAt, cutoff));
}
