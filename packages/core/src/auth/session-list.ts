import { schema } from "@crm/db";
import { messages } from "@crm/shared";
import { and, desc, eq, gt, ne } from "drizzle-orm";
import type { AuthedContext } from "../context";
import { DomainError } from "../errors";
import { SESSION_IDLE_MS } from "./sessions";
import { describeUserAgent } from "./user-agent";

const { sessions } = schema;

export interface SessionView {
  id: string;
  /** "Chrome on macOS", from the User-Agent at sign-in. */
  device: string;
  ip: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  /** The session making this request. */
  current: boolean;
}

/** The user's live sessions, most recently used first (idle-expired ones are gone for good). */
export async function listSessions(ctx: AuthedContext, currentSessionId: string): Promise<SessionView[]> {
  const idleSince = new Date(ctx.clock.now().getTime() - SESSION_IDLE_MS);
  const rows = await ctx.db
    .select({
      id: sessions.id,
      userAgent: sessions.userAgent,
      ip: sessions.ip,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, ctx.userId), gt(sessions.lastUsedAt, idleSince)))
    .orderBy(desc(sessions.lastUsedAt), desc(sessions.createdAt))
    .limit(200);
  return rows.map((row) => ({
    id: row.id,
    device: describeUserAgent(row.userAgent),
    ip: row.ip,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    current: row.id === currentSessionId,
  }));
}

/** Ends one of the user's sessions; another user's id (or a gone one) is NOT_FOUND. */
export async function revokeSession(ctx: AuthedContext, sessionId: string): Promise<void> {
  const deleted = await ctx.db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, ctx.userId)))
    .returning({ id: sessions.id });
  if (deleted.length === 0) throw new DomainError("NOT_FOUND", messages.notFound);
}

/** Ends every session of the user but the current one; answers the ids ended. */
export async function revokeOtherSessions(ctx: AuthedContext, currentSessionId: string): Promise<string[]> {
  const deleted = await ctx.db
    .delete(sessions)
    .where(and(eq(sessions.userId, ctx.userId), ne(sessions.id, currentSessionId)))
    .returning({ id: sessions.id });
  return deleted.map((row) => row.id);
}
