import { randomInt } from "node:crypto";
import { schema } from "@crm/db";
import { RECOVERY_CODE_COUNT } from "@crm/shared";
import { and, count, eq, isNull } from "drizzle-orm";
import type { CoreContext } from "../context";
import { hashToken } from "./sessions";

const { twoFactorRecoveryCodes } = schema;

// No look-alikes (0/o, 1/l/i): codes are read off paper and typed by hand.
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const CODE_LENGTH = 10;

/**
 * One-time codes for when the authenticator app is lost: 10 characters of a 31-letter alphabet
 * (about 50 bits each), so a plain SHA-256 is enough at rest — guesses are throttled per email and
 * the space is far too large to search offline.
 */
export function generateRecoveryCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** How a typed code is compared: case, spaces and dashes don't matter. */
export function normalizeRecoveryCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]+/g, "");
  if (compact.length !== CODE_LENGTH || ![...compact].every((c) => ALPHABET.includes(c))) return null;
  return compact;
}

export function recoveryCodeLooksValid(input: string): boolean {
  return normalizeRecoveryCode(input) !== null;
}

/** Replaces the user's recovery codes with fresh ones; answers them (the only time they are readable). */
export async function replaceRecoveryCodes(ctx: Pick<CoreContext, "db">, userId: string, now: Date): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
  await ctx.db.delete(twoFactorRecoveryCodes).where(eq(twoFactorRecoveryCodes.userId, userId));
  await ctx.db
    .insert(twoFactorRecoveryCodes)
    .values(codes.map((code) => ({ userId, codeHash: hashToken(normalizeRecoveryCode(code)!), createdAt: now })));
  return codes;
}

/**
 * Spends a recovery code. One conditional UPDATE: of two requests with the same code, exactly one
 * sees its row still unused and wins.
 */
export async function spendRecoveryCode(ctx: CoreContext, userId: string, input: string): Promise<boolean> {
  const normalized = normalizeRecoveryCode(input);
  if (!normalized) return false;
  const spent = await ctx.db
    .update(twoFactorRecoveryCodes)
    .set({ usedAt: ctx.clock.now() })
    .where(
      and(
        eq(twoFactorRecoveryCodes.userId, userId),
        eq(twoFactorRecoveryCodes.codeHash, hashToken(normalized)),
        isNull(twoFactorRecoveryCodes.usedAt),
      ),
    )
    .returning({ userId: twoFactorRecoveryCodes.userId });
  return spent.length > 0;
}

export async function countUnusedRecoveryCodes(ctx: CoreContext, userId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(twoFactorRecoveryCodes)
    .where(and(eq(twoFactorRecoveryCodes.userId, userId), isNull(twoFactorRecoveryCodes.usedAt)));
  return row?.n ?? 0;
}
