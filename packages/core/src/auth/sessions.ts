import { schema } from "@crm/db";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { CoreContext } from "../context";
import { preparedPerDb } from "../sql";
import type { PublicUser } from "./users";

const { sessions, sessionTokens, users } = schema;

/**
 * Session rules (Lucia's design on @oslojs, plus token rotation):
 * - the cookie holds a random token; the database holds only its SHA-256;
 * - a session unused for SESSION_IDLE_MS expires;
 * - while in use, the token is replaced once it is TOKEN_ROTATE_MS old;
 * - a replaced token still works for ROTATION_GRACE_MS (requests already in flight with it);
 * - a replaced token used after that means it was copied: the whole session ends.
 */
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
export const TOKEN_ROTATE_MS = 15 * 60 * 1000;
export const ROTATION_GRACE_MS = 60 * 1000;
/** Writes of last_used_at are skipped when the previous one is this recent. */
const TOUCH_EVERY_MS = 60 * 1000;

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export interface IssuedSession {
  sessionId: string;
  token: string;
}

export async function createSession(
  ctx: CoreContext,
  userId: string,
  meta: { userAgent?: string | undefined; ip?: string | undefined } = {},
): Promise<IssuedSession> {
  const now = ctx.clock.now();
  const token = generateSessionToken();
  const sessionId = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(15)));
  await ctx.db.transaction(async (tx) => {
    await tx.insert(sessions).values({
      id: sessionId,
      userId,
      createdAt: now,
      lastUsedAt: now,
      tokenIssuedAt: now,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip?.slice(0, 64) ?? null,
    });
    await tx.insert(sessionTokens).values({ tokenHash: hashToken(token), sessionId, userId, createdAt: now });
  });
  return { sessionId, token };
}

export type SessionValidation =
  | { status: "valid"; sessionId: string; user: PublicUser; rotatedToken: string | null }
  | { status: "invalid" }
  | { status: "expired" }
  | { status: "stolen" };

/** The token's session and user: every signed-in request runs it first. */
const sessionLookup = preparedPerDb((db) =>
  db
    .select({
      retiredAt: sessionTokens.retiredAt,
      tokenCreatedAt: sessionTokens.createdAt,
      sessionId: sessions.id,
      userId: sessions.userId,
      lastUsedAt: sessions.lastUsedAt,
      email: users.email,
      name: users.name,
      timeZone: users.timeZone,
      phoneRegion: users.phoneRegion,
      emailVerifiedAt: users.emailVerifiedAt,
      deletionScheduledFor: users.deletionScheduledFor,
    })
    .from(sessionTokens)
    .innerJoin(sessions, eq(sessions.id, sessionTokens.sessionId))
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessionTokens.tokenHash, sql.placeholder("tokenHash")))
    .limit(1)
    .prepare("session_lookup"),
);

/** `meta.ip`: the request's address, saved whenever last_used_at is written anyway (no extra write). */
export async function validateSessionToken(
  ctx: CoreContext,
  token: string,
  meta: { ip?: string | undefined } = {},
): Promise<SessionValidation> {
  if (!/^[a-z2-7]{32}$/.test(token)) return { status: "invalid" };
  const now = ctx.clock.now();
  const tokenHash = hashToken(token);
  const [row] = await sessionLookup(ctx.db).execute({ tokenHash });
  if (!row) return { status: "invalid" };
  const session = { id: row.sessionId, userId: row.userId, lastUsedAt: row.lastUsedAt };

  if (now.getTime() - session.lastUsedAt.getTime() >= SESSION_IDLE_MS) {
    await ctx.db.delete(sessions).where(eq(sessions.id, session.id));
    return { status: "expired" };
  }

  const user: PublicUser = {
    id: row.userId,
    email: row.email,
    name: row.name,
    timeZone: row.timeZone,
    phoneRegion: row.phoneRegion,
    emailVerified: row.emailVerifiedAt !== null,
    deletionScheduledFor: row.deletionScheduledFor,
  };
  if (row.retiredAt) {
    if (now.getTime() - row.retiredAt.getTime() <= ROTATION_GRACE_MS) {
      return { status: "valid", sessionId: session.id, user, rotatedToken: null };
    }
    // An old token came back after its grace period: someone else holds a copy. End the session.
    await ctx.db.delete(sessions).where(eq(sessions.id, session.id));
    return { status: "stolen" };
  }

  if (now.getTime() - row.tokenCreatedAt.getTime() >= TOKEN_ROTATE_MS) {
    const rotatedToken = await rotateToken(ctx, session.id, session.userId, tokenHash, now, meta.ip);
    return { status: "valid", sessionId: session.id, user, rotatedToken };
  }

  if (now.getTime() - session.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    await ctx.db
      .update(sessions)
      .set({ lastUsedAt: now, ...(meta.ip && { ip: meta.ip.slice(0, 64) }) })
      .where(eq(sessions.id, session.id));
  }
  return { status: "valid", sessionId: session.id, user, rotatedToken: null };
}

/** Returns the new token, or null when a concurrent request already rotated this one. */
async function rotateToken(
  ctx: CoreContext,
  sessionId: string,
  userId: string,
  currentHash: string,
  now: Date,
  ip: string | undefined,
): Promise<string | null> {
  const token = generateSessionToken();
  return ctx.db.transaction(async (tx) => {
    const retired = await tx
      .update(sessionTokens)
      .set({ retiredAt: now })
      .where(and(eq(sessionTokens.tokenHash, currentHash), isNull(sessionTokens.retiredAt)))
      .returning({ tokenHash: sessionTokens.tokenHash });
    if (retired.length === 0) return null;
    await tx.insert(sessionTokens).values({ tokenHash: hashToken(token), sessionId, userId, createdAt: now });
    await tx
      .update(sessions)
      .set({ lastUsedAt: now, tokenIssuedAt: now, ...(ip && { ip: ip.slice(0, 64) }) })
      .where(eq(sessions.id, sessionId));
    // Retired tokens matter only for theft detection within a session's life.
    await tx
      .delete(sessionTokens)
      .where(
        and(
          eq(sessionTokens.sessionId, sessionId),
          lt(sessionTokens.retiredAt, new Date(now.getTime() - SESSION_IDLE_MS)),
        ),
      );
    return token;
  });
}

export async function invalidateSession(ctx: CoreContext, sessionId: string): Promise<void> {
  await ctx.db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function invalidateUserSessions(ctx: CoreContext, userId: string): Promise<void> {
  await ctx.db.delete(sessions).where(eq(sessions.userId, userId));
}
