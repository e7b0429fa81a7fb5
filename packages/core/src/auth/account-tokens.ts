import { schema } from "@crm/db";
import { EMAIL_LINK_TTL_HOURS, PASSWORD_RESET_TTL_MINUTES } from "@crm/shared";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import type { CoreContext } from "../context";
import { hashToken } from "./sessions";

const { accountTokens } = schema;

export type AccountTokenPurpose = "password_reset" | "email_verification" | "email_change";

export const ACCOUNT_TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  password_reset: PASSWORD_RESET_TTL_MINUTES * 60_000,
  email_verification: EMAIL_LINK_TTL_HOURS * 3_600_000,
  email_change: EMAIL_LINK_TTL_HOURS * 3_600_000,
};

/** Asking again within this long sends nothing new: the link already on its way still works. */
export const RESEND_COOLDOWN_MS = 60_000;

/**
 * Issues a single-use link token (160 random bits). Only its SHA-256 is stored. Every older token of
 * the same purpose goes (used or not): only the newest link works, and a user never has more than one
 * row per purpose, so the table needs no pruning.
 */
export async function issueAccountToken(
  ctx: CoreContext,
  userId: string,
  purpose: AccountTokenPurpose,
  options: { newEmail?: string } = {},
): Promise<{ token: string; expiresAt: Date }> {
  const token = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)));
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ACCOUNT_TOKEN_TTL_MS[purpose]);
  await ctx.db.transaction(async (tx) => {
    await tx.delete(accountTokens).where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose)));
    await tx.insert(accountTokens).values({
      tokenHash: hashToken(token),
      userId,
      purpose,
      newEmail: options.newEmail ?? null,
      createdAt: now,
      expiresAt,
    });
  });
  return { token, expiresAt };
}

export interface LiveAccountToken {
  tokenHash: string;
  userId: string;
  purpose: AccountTokenPurpose;
  newEmail: string | null;
}

/**
 * The unused, unexpired token of one of these purposes, or undefined. Looked up by its hash (the
 * primary key), so the comparison never touches the secret itself and takes no secret-dependent time.
 */
export async function findLiveAccountToken(
  ctx: CoreContext,
  token: string,
  purposes: AccountTokenPurpose[],
): Promise<LiveAccountToken | undefined> {
  const [row] = await ctx.db
    .select({
      tokenHash: accountTokens.tokenHash,
      userId: accountTokens.userId,
      purpose: accountTokens.purpose,
      newEmail: accountTokens.newEmail,
    })
    .from(accountTokens)
    .where(
      and(
        eq(accountTokens.tokenHash, hashToken(token)),
        inArray(accountTokens.purpose, purposes),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, ctx.clock.now()),
      ),
    )
    .limit(1);
  return row;
}

/**
 * Marks the token used, atomically: of two requests racing with one link, exactly one gets true.
 * Call it inside the transaction that acts on the token, so a failure after it leaves the link usable.
 */
export async function consumeAccountToken(ctx: CoreContext, tokenHash: string): Promise<boolean> {
  const now = ctx.clock.now();
  const used = await ctx.db
    .update(accountTokens)
    .set({ usedAt: now })
    .where(and(eq(accountTokens.tokenHash, tokenHash), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)))
    .returning({ tokenHash: accountTokens.tokenHash });
  return used.length === 1;
}

/** Voids every unused token of these purposes (e.g. old verification links once the email changed). */
export async function voidAccountTokens(
  ctx: CoreContext,
  userId: string,
  purposes: AccountTokenPurpose[],
): Promise<void> {
  await ctx.db
    .delete(accountTokens)
    .where(
      and(eq(accountTokens.userId, userId), inArray(accountTokens.purpose, purposes), isNull(accountTokens.usedAt)),
    );
}

/** True when a token of this purpose was issued within the cooldown (a repeated click, or a mail bomb). */
export async function issuedRecently(ctx: CoreContext, userId: string, purpose: AccountTokenPurpose) {
  const since = new Date(ctx.clock.now().getTime() - RESEND_COOLDOWN_MS);
  const [row] = await ctx.db
    .select({ tokenHash: accountTokens.tokenHash })
    .from(accountTokens)
    .where(
      and(
        eq(accountTokens.userId, userId),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.createdAt, since),
      ),
    )
    .limit(1);
  return row !== undefined;
}
