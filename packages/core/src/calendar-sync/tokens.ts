import { schema } from "@crm/db";
import { eq } from "drizzle-orm";
import type { CoreContext } from "../context";
import { isCalendarProviderError } from "../ports";
import { inTransaction } from "../transaction";
import { ReconnectNeeded } from "./outcomes";
import { decryptToken, encryptToken } from "./token-cipher";

const { calendarConnections } = schema;

/** Refresh this long before the access token expires, so no request goes out with a dying one. */
const REFRESH_MARGIN_MS = 5 * 60_000;

interface TokenFields {
  id: string;
  userId: string;
  accessTokenEnc: string | null;
  accessTokenExpiresAt: Date | null;
}

function deps(ctx: CoreContext) {
  if (!ctx.calendar) throw new Error("Google Calendar is not configured (GOOGLE_CLIENT_ID)");
  return ctx.calendar;
}

/** A usable access token: the stored one while it has more than 5 minutes left, else a fresh one. */
export async function accessTokenFor(ctx: CoreContext, connection: TokenFields): Promise<string> {
  const { tokenKey } = deps(ctx);
  const expiresAt = connection.accessTokenExpiresAt?.getTime() ?? 0;
  if (connection.accessTokenEnc && expiresAt - ctx.clock.now().getTime() > REFRESH_MARGIN_MS) {
    return decryptToken(tokenKey, connection.accessTokenEnc, connection.userId);
  }
  return refreshAccessToken(ctx, connection.id);
}

/** In-flight refreshes of this process, so concurrent callers share one. */
const refreshing = new Map<string, Promise<string>>();

/**
 * Refreshes the access token, one refresh at a time per connection: within a process callers share
 * the promise, across processes the row lock serialises them and the second one finds the token
 * already fresh. `rejected` is the token Google just answered 401 to: a different stored token means
 * someone else refreshed meanwhile. invalid_grant marks the connection disconnected.
 */
export function refreshAccessToken(ctx: CoreContext, connectionId: string, rejected?: string): Promise<string> {
  const running = refreshing.get(connectionId);
  if (running) return running;
  const work = doRefresh(ctx, connectionId, rejected).finally(() => refreshing.delete(connectionId));
  refreshing.set(connectionId, work);
  return work;
}

async function doRefresh(ctx: CoreContext, connectionId: string, rejected?: string): Promise<string> {
  const { provider, tokenKey } = deps(ctx);
  const outcome = await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.id, connectionId))
      .for("update");
    if (!row?.refreshTokenEnc || row.status === "disconnected") return { reconnect: true as const };
    const now = ctx.clock.now().getTime();
    if (row.accessTokenEnc && (row.accessTokenExpiresAt?.getTime() ?? 0) - now > REFRESH_MARGIN_MS) {
      const stored = decryptToken(tokenKey, row.accessTokenEnc, row.userId);
      if (stored !== rejected) return { token: stored }; // another process refreshed it already
    }
    try {
      const tokens = await provider.refresh(decryptToken(tokenKey, row.refreshTokenEnc, row.userId));
      await tx.db
        .update(calendarConnections)
        .set({
          accessTokenEnc: encryptToken(tokenKey, tokens.accessToken, row.userId),
          accessTokenExpiresAt: new Date(ctx.clock.now().getTime() + tokens.expiresInSeconds * 1000),
          // Google may rotate the refresh token: keep the newest one.
          ...(tokens.refreshToken && { refreshTokenEnc: encryptToken(tokenKey, tokens.refreshToken, row.userId) }),
          updatedAt: ctx.clock.now(),
        })
        .where(eq(calendarConnections.id, connectionId));
      return { token: tokens.accessToken };
    } catch (error) {
      if (isCalendarProviderError(error) && error.kind === "invalid_grant") {
        // Revoked or expired at Google: pause sync until the user reconnects (committed with this transaction).
        await tx.db
          .update(calendarConnections)
          .set({
            status: "disconnected",
            accessTokenEnc: null,
            accessTokenExpiresAt: null,
            lastError: new ReconnectNeeded().message,
            lastErrorAt: ctx.clock.now(),
            updatedAt: ctx.clock.now(),
          })
          .where(eq(calendarConnections.id, connectionId));
        return { reconnect: true as const };
      }
      throw error;
    }
  });
  if ("reconnect" in outcome) throw new ReconnectNeeded();
  return outcome.token;
}
