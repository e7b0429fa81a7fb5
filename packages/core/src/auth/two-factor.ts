import { schema } from "@crm/db";
import {
  type DisableTwoFactorInput,
  disableTwoFactorInput,
  type EnableTwoFactorInput,
  enableTwoFactorInput,
  messages,
  twoFactorMessages,
} from "@crm/shared";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { AuthedContext, CoreContext } from "../context";
import { type DataKeyring, openData, sealData } from "../crypto/data-key";
import { DomainError } from "../errors";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { verifyPassword } from "./passwords";
import { countUnusedRecoveryCodes, replaceRecoveryCodes } from "./recovery-codes";
import { generateTotpSecret, matchTotpStep, totpKeyUri, totpSecretText } from "./totp";

const { users, twoFactorRecoveryCodes, twoFactorChallenges } = schema;

/**
 * Two-factor sign-in (TOTP). Setup stores a new secret, sealed with the data key, without turning
 * anything on; enable proves the app holds it (a valid code) and hands out recovery codes; disable
 * takes the password and forgets the secret and codes. Sign-in itself: two-factor-challenge.ts.
 */

export function requireDataKeys(ctx: CoreContext): DataKeyring {
  if (!ctx.dataKeys) {
    throw new Error("Two-factor sign-in needs the data encryption key (DATA_ENCRYPTION_KEY), and none was passed");
  }
  return ctx.dataKeys;
}

/** The TOTP key from a user's sealed secret (bound to their id: another row's copy does not open). */
export function openTotpSecret(ctx: CoreContext, userId: string, sealed: string): Uint8Array {
  return decodeBase32IgnorePadding(openData(requireDataKeys(ctx), sealed, userId));
}

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: Date | null;
  recoveryCodesLeft: number;
}

export async function twoFactorStatus(ctx: AuthedContext): Promise<TwoFactorStatus> {
  const [user] = await ctx.db
    .select({ enabledAt: users.twoFactorEnabledAt })
    .from(users)
    .where(eq(users.id, ctx.userId));
  if (!user) throw new DomainError("NOT_FOUND", messages.notFound);
  const enabled = user.enabledAt !== null;
  return {
    enabled,
    enabledAt: user.enabledAt,
    recoveryCodesLeft: enabled ? await countUnusedRecoveryCodes(ctx, ctx.userId) : 0,
  };
}

/**
 * A new secret for the authenticator app, replacing any unconfirmed one. `issuer` names the
 * product in the app's list.
 */
export async function setupTwoFactor(
  ctx: AuthedContext,
  options: { issuer: string },
): Promise<{ secret: string; uri: string }> {
  const keys = requireDataKeys(ctx);
  const key = generateTotpSecret();
  const secret = totpSecretText(key);
  const updated = await ctx.db
    .update(users)
    .set({ twoFactorSecret: sealData(keys, secret, ctx.userId), updatedAt: ctx.clock.now() })
    .where(and(eq(users.id, ctx.userId), isNull(users.twoFactorEnabledAt)))
    .returning({ email: users.email });
  if (!updated[0]) throw new DomainError("INVALID_TRANSITION", twoFactorMessages.alreadyOn);
  return { secret, uri: totpKeyUri(options.issuer, updated[0].email, key) };
}

/** Turns two-factor on once the app shows a valid code; answers the recovery codes (shown once). */
export async function enableTwoFactor(
  ctx: AuthedContext,
  rawInput: EnableTwoFactorInput,
): Promise<{ recoveryCodes: string[] }> {
  const input = parseInput(enableTwoFactorInput, rawInput);
  const [user] = await ctx.db
    .select({ sealed: users.twoFactorSecret, enabledAt: users.twoFactorEnabledAt })
    .from(users)
    .where(eq(users.id, ctx.userId));
  if (!user) throw new DomainError("NOT_FOUND", messages.notFound);
  if (user.enabledAt) throw new DomainError("INVALID_TRANSITION", twoFactorMessages.alreadyOn);
  if (!user.sealed) throw new DomainError("INVALID_TRANSITION", twoFactorMessages.notSetUp);
  const now = ctx.clock.now();
  const step = matchTotpStep(openTotpSecret(ctx, ctx.userId, user.sealed), input.code, now);
  if (step === null) throw new DomainError("VALIDATION", twoFactorMessages.wrongCode, { field: "code" });

  return inTransaction(ctx, async (tx) => {
    // Only the secret that was checked: a setup started meanwhile in another tab replaced it.
    const enabled = await tx.db
      .update(users)
      .set({
        twoFactorEnabledAt: now,
        // The code just typed counts as used: it cannot also sign someone in.
        twoFactorLastStep: step,
        updatedAt: now,
        version: sql`${users.version} + 1`,
      })
      .where(and(eq(users.id, ctx.userId), isNull(users.twoFactorEnabledAt), eq(users.twoFactorSecret, user.sealed!)))
      .returning({ id: users.id });
    if (enabled.length === 0) throw new DomainError("INVALID_TRANSITION", twoFactorMessages.notSetUp);
    return { recoveryCodes: await replaceRecoveryCodes(tx, ctx.userId, now) };
  });
}

/** Turns two-factor off (password required): forgets the secret, the recovery codes and pending sign-ins. */
export async function disableTwoFactor(ctx: AuthedContext, rawInput: DisableTwoFactorInput): Promise<void> {
  const input = parseInput(disableTwoFactorInput, rawInput);
  const [user] = await ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, ctx.userId));
  if (!user) throw new DomainError("NOT_FOUND", messages.notFound);
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    throw new DomainError("VALIDATION", twoFactorMessages.wrongPassword, { field: "password" });
  }
  await inTransaction(ctx, async (tx) => {
    await tx.db
      .update(users)
      .set({
        twoFactorSecret: null,
        twoFactorEnabledAt: null,
        twoFactorLastStep: null,
        updatedAt: ctx.clock.now(),
        version: sql`${users.version} + 1`,
      })
      .where(eq(users.id, ctx.userId));
    await tx.db.delete(twoFactorRecoveryCodes).where(eq(twoFactorRecoveryCodes.userId, ctx.userId));
    await tx.db.delete(twoFactorChallenges).where(eq(twoFactorChallenges.userId, ctx.userId));
  });
}
