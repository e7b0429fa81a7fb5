import { randomBytes, timingSafeEqual } from "node:crypto";
import { schema } from "@crm/db";
import { connectInput, dismissNoticeInput } from "@crm/shared";
import { and, count, desc, eq, gt, isNotNull, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { AuthedContext, CalendarSyncDeps, CoreContext } from "../context";
import { DomainError } from "../errors";
import { isCalendarProviderError } from "../ports";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { forgetEtags } from "./apply";
import { enqueueSyncFor } from "./changes";
import { calendarSyncJob } from "./jobs";
import { SYNC_WINDOW } from "./sync-window";
import { decryptToken, encryptToken } from "./token-cipher";
import { accessTokenFor } from "./tokens";

const { bookings, calendarConnections, calendarOauthStates } = schema;

/** How long a consent round trip may take. */
const STATE_TTL_MS = 10 * 60_000;

export const notConfiguredMessage =
  "Google Calendar is not configured on this server. Set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and " +
  "TOKEN_ENCRYPTION_KEY (see README, Google Calendar), then restart.";

function requireCalendar(ctx: CoreContext): CalendarSyncDeps {
  if (!ctx.calendar) throw new DomainError("VALIDATION", notConfiguredMessage);
  return ctx.calendar;
}

/** Starts the OAuth round trip: remembers state + PKCE verifier, answers Google's consent URL. */
export async function startGoogleConnect(
  ctx: AuthedContext,
  rawInput: z.input<typeof connectInput> = {},
): Promise<{ url: string }> {
  const { provider } = requireCalendar(ctx);
  const input = parseInput(connectInput, rawInput);
  const state = randomBytes(32).toString("base64url");
  const codeVerifier = randomBytes(32).toString("base64url");
  await ctx.db.insert(calendarOauthStates).values({
    state,
    userId: ctx.userId,
    codeVerifier,
    calendarId: input.calendarId,
    createdAt: ctx.clock.now(),
  });
  return { url: provider.authorizationUrl(state, codeVerifier).toString() };
}

export const callbackQuery = z.union([
  z.object({ state: z.string().min(1).max(200), code: z.string().min(1).max(2000) }),
  z.object({ state: z.string().min(1).max(200), error: z.string().min(1).max(200) }),
]);

export type ConnectResult = { ok: true } | { ok: false; message: string };

/**
 * Google redirected back. The state must be ours, fresh, unused, and belong to the signed-in user;
 * the code is exchanged (with the verifier), the scope checked, the tokens stored encrypted, and a
 * first sync queued: it pulls the calendar and pushes every booking waiting to go out.
 */
export async function completeGoogleConnect(
  ctx: AuthedContext,
  rawQuery: Record<string, unknown>,
): Promise<ConnectResult> {
  const deps = requireCalendar(ctx);
  const parsed = callbackQuery.safeParse(rawQuery);
  if (!parsed.success) return { ok: false, message: "Google's answer was incomplete (no code or state). Try again." };
  const query = parsed.data;
  const [pending] = await ctx.db
    .delete(calendarOauthStates)
    .where(eq(calendarOauthStates.state, query.state))
    .returning();
  if (!pending || pending.userId !== ctx.userId) {
    return { ok: false, message: "This Google sign-in link is not valid for your account. Start again from Settings." };
  }
  if (ctx.clock.now().getTime() - pending.createdAt.getTime() > STATE_TTL_MS) {
    return { ok: false, message: "The Google sign-in took too long. Start again from Settings." };
  }
  if ("error" in query) {
    return {
      ok: false,
      message:
        query.error === "access_denied"
          ? "You declined access in Google, so nothing was connected."
          : `Google answered: ${query.error}`,
    };
  }
  let tokens: Awaited<ReturnType<typeof deps.provider.exchangeCode>>;
  try {
    tokens = await deps.provider.exchangeCode(query.code, pending.codeVerifier);
  } catch (error) {
    const detail = isCalendarProviderError(error) ? error.message : "no answer";
    return { ok: false, message: `Google did not accept the sign-in (${detail}). Try again.` };
  }
  if (!tokens.scopes.includes(deps.provider.requiredScope)) {
    await deps.provider.revoke(tokens.accessToken).catch(() => {});
    return {
      ok: false,
      message: "Calendar access was not granted. Connect again and leave “See and edit events” ticked.",
    };
  }
  const [existing] = await ctx.db.select().from(calendarConnections).where(eq(calendarConnections.userId, ctx.userId));
  const refreshTokenEnc = tokens.refreshToken
    ? encryptToken(deps.tokenKey, tokens.refreshToken, ctx.userId)
    : (existing?.refreshTokenEnc ?? null);
  if (!refreshTokenEnc) {
    return { ok: false, message: "Google did not grant offline access. Connect again and allow access." };
  }
  const sameCalendar = existing?.calendarId === pending.calendarId;
  const fields = {
    calendarId: pending.calendarId,
    accessTokenEnc: encryptToken(deps.tokenKey, tokens.accessToken, ctx.userId),
    refreshTokenEnc,
    accessTokenExpiresAt: new Date(ctx.clock.now().getTime() + tokens.expiresInSeconds * 1000),
    scopes: tokens.scopes.join(" "),
    status: "connected" as const,
    lastError: null,
    lastErrorAt: null,
    pausedUntil: null,
    // A reconnect to the same calendar carries on incrementally; another calendar starts over.
    ...(!sameCalendar && { syncToken: null, accountEmail: null }),
    updatedAt: ctx.clock.now(),
  };
  await inTransaction(ctx, async (tx) => {
    if (existing) {
      await tx.db
        .update(calendarConnections)
        .set({ ...fields, version: existing.version + 1 })
        .where(eq(calendarConnections.id, existing.id));
    } else {
      await tx.db.insert(calendarConnections).values({ userId: ctx.userId, ...fields, createdAt: ctx.clock.now() });
    }
    // Another calendar: the etags we hold are the old calendar's (links by event id stay, to match).
    if (existing && !sameCalendar) await forgetEtags(tx);
    await enqueueSyncFor(tx, ctx.userId);
  });
  return { ok: true };
}

/**
 * Revokes the token at Google (best effort: it may be revoked already) and forgets the connection.
 * Bookings stay; "busy" blocks that only mirrored Google events go; links are kept so a reconnect to
 * the same calendar matches events instead of duplicating them.
 */
export async function disconnectGoogle(ctx: AuthedContext): Promise<{ disconnected: boolean }> {
  const deps = requireCalendar(ctx);
  const [connection] = await ctx.db
    .select()
    .from(calendarConnections)
    .where(eq(calendarConnections.userId, ctx.userId));
  if (!connection) return { disconnected: false };
  // Read what Google needs before the row goes; Google is told only after our change has committed,
  // so a refused change never leaves the user revoked at Google but still "connected" here.
  let channelToken: string | null = null;
  if (connection.channelId && connection.channelResourceId && connection.status !== "disconnected") {
    channelToken = await accessTokenFor(ctx, connection).catch(() => null);
  }
  const secret = connection.refreshTokenEnc ?? connection.accessTokenEnc;
  const revocable = secret ? decryptToken(deps.tokenKey, secret, ctx.userId) : null;
  await inTransaction(ctx, async (tx) => {
    await tx.db.delete(calendarConnections).where(eq(calendarConnections.id, connection.id));
    await tx.db
      .delete(bookings)
      .where(and(eq(bookings.userId, ctx.userId), eq(bookings.source, "google"), isNull(bookings.clientId)));
    // The etag only means something to the calendar we leave. A conflict flag stays: the overlap it
    // names is still there, and clearing it would make the two bookings collide.
    await forgetEtags(tx);
  });
  if (channelToken && connection.channelId && connection.channelResourceId) {
    await deps.provider
      .api(channelToken)
      .stopChannel(connection.channelId, connection.channelResourceId)
      .catch(() => {
        // The channel expires by itself.
      });
  }
  if (revocable) {
    await deps.provider.revoke(revocable).catch(() => {
      // Already revoked at Google, or Google unreachable: we forget the token either way.
    });
  }
  return { disconnected: true };
}

export type CalendarSyncState = "not_connected" | "connected" | "syncing" | "paused" | "disconnected" | "error";

export interface CalendarSyncStatus {
  configured: boolean;
  status: CalendarSyncState;
  calendarId: string | null;
  accountEmail: string | null;
  lastSyncedAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  pausedUntil: Date | null;
  pushed: number;
  pulled: number;
  /** Bookings changed here and not in Google yet. */
  pending: number;
  /** Bookings Google moved onto a taken slot, waiting for the user. */
  conflicts: { bookingId: string; title: string; startsAt: Date; conflict: string }[];
  /** Sync outcomes to tell the user about (e.g. "kept Google's version"). */
  notices: { bookingId: string; title: string; notice: string }[];
  pushNotifications: boolean;
}

export async function calendarSyncStatus(ctx: AuthedContext): Promise<CalendarSyncStatus> {
  const [connection] = await ctx.db
    .select()
    .from(calendarConnections)
    .where(eq(calendarConnections.userId, ctx.userId));
  const base = {
    configured: Boolean(ctx.calendar),
    pushNotifications: Boolean(ctx.calendar?.pushAddress),
  };
  if (!connection) {
    return {
      ...base,
      status: "not_connected",
      calendarId: null,
      accountEmail: null,
      lastSyncedAt: null,
      lastError: null,
      lastErrorAt: null,
      pausedUntil: null,
      pushed: 0,
      pulled: 0,
      pending: 0,
      conflicts: [],
      notices: [],
    };
  }
  const now = ctx.clock.now();
  const windowStart = new Date(now.getTime() - SYNC_WINDOW.pastDays * 24 * 3600_000);
  const [pending] = await ctx.db
    .select({ n: count() })
    .from(bookings)
    .where(
      and(
        eq(bookings.userId, ctx.userId),
        sql`${bookings.changeSeq} > ${bookings.pushedSeq}`,
        or(gt(bookings.endsAt, windowStart), isNotNull(bookings.googleEventId)),
      ),
    );
  const conflicts = await ctx.db
    .select({
      bookingId: bookings.id,
      title: bookings.title,
      startsAt: bookings.startsAt,
      conflict: bookings.syncConflict,
    })
    .from(bookings)
    .where(and(eq(bookings.userId, ctx.userId), isNotNull(bookings.syncConflict), isNull(bookings.deletedAt)))
    .orderBy(bookings.startsAt)
    .limit(20);
  const notices = await ctx.db
    .select({ bookingId: bookings.id, title: bookings.title, notice: bookings.syncNotice })
    .from(bookings)
    .where(and(eq(bookings.userId, ctx.userId), isNotNull(bookings.syncNotice), isNull(bookings.deletedAt)))
    .orderBy(desc(bookings.updatedAt))
    .limit(20);
  const syncing = connection.leaseUntil !== null && connection.leaseUntil > now;
  return {
    ...base,
    status: connection.status === "connected" && syncing ? "syncing" : connection.status,
    calendarId: connection.calendarId,
    accountEmail: connection.accountEmail,
    lastSyncedAt: connection.lastSyncedAt,
    lastError: connection.lastError,
    lastErrorAt: connection.lastErrorAt,
    pausedUntil: connection.pausedUntil,
    pushed: connection.pushedCount,
    pulled: connection.pulledCount,
    pending: pending?.n ?? 0,
    conflicts: conflicts.map((c) => ({ ...c, conflict: c.conflict ?? "" })),
    notices: notices.map((n) => ({ ...n, notice: n.notice ?? "" })),
  };
}

/**
 * "Sync now": a sync that starts at once. A job already waiting (delayed until a pause ends, or
 * between retries) would keep a new one out of the stately queue, so it makes way for this one.
 */
export async function requestSyncNow(ctx: AuthedContext): Promise<{ queued: boolean }> {
  requireCalendar(ctx);
  const jobs = ctx.jobs;
  if (!jobs) throw new Error("Sync now needs the job queue");
  const [connection] = await ctx.db
    .select({ id: calendarConnections.id, status: calendarConnections.status })
    .from(calendarConnections)
    .where(eq(calendarConnections.userId, ctx.userId));
  if (!connection) throw new DomainError("NOT_FOUND", "Google Calendar is not connected");
  if (connection.status === "disconnected") {
    throw new DomainError("VALIDATION", "Reconnect Google Calendar first: its access was revoked or has expired.");
  }
  await inTransaction(ctx, async (tx) => {
    if (connection.status === "paused") {
      // The user asked: try now; if the quota is still used up it pauses again.
      await tx.db
        .update(calendarConnections)
        .set({ status: "connected", pausedUntil: null })
        .where(eq(calendarConnections.id, connection.id));
    }
    await jobs.cancelWaiting(tx.db, calendarSyncJob.name, connection.id);
    await enqueueSyncFor(tx, ctx.userId);
  });
  return { queued: true };
}

/** Puts this user's failed sync jobs (retries used up) back in line. */
export async function retryFailedSync(ctx: AuthedContext): Promise<{ retried: number }> {
  if (!ctx.jobs) throw new Error("Retrying needs the job queue");
  const failed = (await ctx.jobs.listFailed(ctx.userId, 100)).filter((j) => j.queue === calendarSyncJob.name);
  let retried = 0;
  for (const job of failed) if (await ctx.jobs.retry(ctx.userId, job.id)) retried += 1;
  return { retried };
}

export async function dismissSyncNotice(
  ctx: AuthedContext,
  rawInput: z.input<typeof dismissNoticeInput>,
): Promise<{ bookingId: string }> {
  const input = parseInput(dismissNoticeInput, rawInput);
  const rows = await ctx.db
    .update(bookings)
    .set({ syncNotice: null })
    .where(and(eq(bookings.id, input.bookingId), eq(bookings.userId, ctx.userId)))
    .returning({ id: bookings.id });
  if (rows.length === 0) throw new DomainError("NOT_FOUND", "Booking not found");
  return { bookingId: input.bookingId };
}

/** Headers of a Google push notification (the body is empty). */
export const googleNotificationHeaders = z.object({
  "x-goog-channel-id": z.string().min(1).max(64),
  "x-goog-resource-state": z.enum(["sync", "exists", "not_exists"]),
  "x-goog-resource-id": z.string().min(1).max(512),
  "x-goog-channel-token": z.string().max(256).optional(),
  "x-goog-message-number": z.string().regex(/^\d+$/).optional(),
});

export type NotificationOutcome = { status: 200 | 400 | 401 | 404; message: string };

/**
 * A push notification from Google: the channel must be one of ours and carry its token (compared in
 * constant time). "exists" queues a sync for the connection; "sync" (the channel's first message)
 * only confirms it.
 */
export async function handleGoogleNotification(
  ctx: CoreContext,
  rawHeaders: Record<string, unknown>,
): Promise<NotificationOutcome> {
  const parsed = googleNotificationHeaders.safeParse(rawHeaders);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { status: 400, message: `${String(issue?.path[0] ?? "header")}: ${issue?.message ?? "invalid"}` };
  }
  const headers = parsed.data;
  const [connection] = await ctx.db
    .select()
    .from(calendarConnections)
    .where(eq(calendarConnections.channelId, headers["x-goog-channel-id"]));
  if (!connection?.channelToken) return { status: 404, message: "Unknown channel" };
  const given = Buffer.from(headers["x-goog-channel-token"] ?? "");
  const expected = Buffer.from(connection.channelToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { status: 401, message: "Channel token does not match" };
  }
  if (headers["x-goog-resource-state"] === "sync") return { status: 200, message: "Channel confirmed" };
  await enqueueSyncFor(ctx, connection.userId);
  return { status: 200, message: "Sync queued" };
}
