/** Push notifications: a watch channel on the calendar, so Google tells us about changes. */
import { randomBytes, randomUUID } from "node:crypto";
import type { CoreContext } from "../context";
import { calendarDeps, type GoogleSession } from "./google-session";
import { ReconnectNeeded, SyncPaused } from "./outcomes";
import { DAY } from "./sync-window";
import type { ConnectionRow, SyncLog } from "./types";

/**
 * Channels cannot be extended, so a new one is opened when the old has less than a day left, or
 * less than half the lifetime Google granted when that was shorter than two days (Google may cut
 * the 7 days we ask for; renewing a 6-hour channel "a day before" would reopen it on every poll).
 */
const CHANNEL_RENEW_MS = DAY;
const CHANNEL_TTL_MS = 7 * DAY;

export function channelNeedsRenewal(
  channel: { openedAt: Date | null; expiresAt: Date | null } | null,
  now: Date,
): boolean {
  if (!channel?.expiresAt) return true;
  const left = channel.expiresAt.getTime() - now.getTime();
  const granted = channel.openedAt
    ? channel.expiresAt.getTime() - channel.openedAt.getTime()
    : Number.POSITIVE_INFINITY;
  return left <= Math.min(CHANNEL_RENEW_MS, granted / 2);
}

/**
 * Keeps a watch channel open when push notifications are configured. Answers the connection fields
 * of a new channel (nothing when the open one is kept); failures only log, since polling covers.
 */
export async function renewChannel(
  ctx: CoreContext,
  session: GoogleSession,
  connection: ConnectionRow,
  log: SyncLog,
): Promise<Partial<ConnectionRow>> {
  const address = calendarDeps(ctx).pushAddress;
  if (!address) return {};
  const open = connection.channelId
    ? { openedAt: connection.channelOpenedAt, expiresAt: connection.channelExpiresAt }
    : null;
  if (!channelNeedsRenewal(open, ctx.clock.now())) return {};
  try {
    const opened = await openChannel(ctx, session, connection.calendarId, address);
    await stopOldChannel(session, connection);
    return opened;
  } catch (error) {
    if (error instanceof SyncPaused || error instanceof ReconnectNeeded) throw error;
    log("calendar sync: could not open a push channel (polling continues)", { error: String(error) });
    return {};
  }
}

async function openChannel(
  ctx: CoreContext,
  session: GoogleSession,
  calendarId: string,
  address: string,
): Promise<Partial<ConnectionRow>> {
  const now = ctx.clock.now().getTime();
  const id = randomUUID();
  const token = randomBytes(24).toString("base64url");
  const channel = await session.call((api) =>
    api.watch(calendarId, { id, token, address, expiration: new Date(now + CHANNEL_TTL_MS) }),
  );
  return {
    channelId: id,
    channelToken: token,
    channelResourceId: channel.resourceId,
    channelExpiresAt: channel.expiration,
    channelOpenedAt: new Date(now),
  };
}

/** The replaced channel is stopped, best effort: it expires by itself anyway. */
async function stopOldChannel(session: GoogleSession, connection: ConnectionRow): Promise<void> {
  const { channelId, channelResourceId } = connection;
  if (!channelId || !channelResourceId) return;
  await session.call((api) => api.stopChannel(channelId, channelResourceId)).catch(() => {});
}
