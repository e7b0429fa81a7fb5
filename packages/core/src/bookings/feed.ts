import { schema } from "@crm/db";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { generateSessionToken, hashToken } from "../auth/sessions";
import type { AuthedContext, CoreContext } from "../context";
import { openBookingNotes } from "../crypto/sensitive";
import { DomainError } from "../errors";
import { type IcsEvent, toIcs } from "./ics";
import { getBooking } from "./queries";

const { calendarFeeds, bookings, clients, users } = schema;
const FEED_HISTORY_DAYS = 90;

/** The path of a feed for a secret; APP_URL goes in front of it. */
export const feedPath = (secret: string) => `/feeds/${secret}.ics`;

export async function hasCalendarFeed(ctx: AuthedContext): Promise<boolean> {
  const [row] = await ctx.db
    .select({ userId: calendarFeeds.userId })
    .from(calendarFeeds)
    .where(eq(calendarFeeds.userId, ctx.userId));
  return Boolean(row);
}

/**
 * Creates the feed, or replaces its secret (the old URL stops working at once). The secret is
 * shown once: only its hash is stored.
 */
export async function rotateCalendarFeed(ctx: AuthedContext): Promise<{ path: string }> {
  const secret = generateSessionToken();
  await ctx.db
    .insert(calendarFeeds)
    .values({ userId: ctx.userId, tokenHash: hashToken(secret), createdAt: ctx.clock.now() })
    .onConflictDoUpdate({
      target: calendarFeeds.userId,
      set: { tokenHash: hashToken(secret), createdAt: ctx.clock.now() },
    });
  return { path: feedPath(secret) };
}

export async function revokeCalendarFeed(ctx: AuthedContext): Promise<void> {
  await ctx.db.delete(calendarFeeds).where(eq(calendarFeeds.userId, ctx.userId));
}

function describe(clientName: string | null, notes: string | null): string | null {
  return [clientName ? `Client: ${clientName}` : null, notes].filter(Boolean).join("\n\n") || null;
}

/** The ICS of a feed secret, or null when no feed has it (revoked or never existed). */
export async function calendarFeedIcs(ctx: CoreContext, secret: string): Promise<string | null> {
  if (!/^[a-z2-7]{32}$/.test(secret)) return null;
  const [feed] = await ctx.db
    .select({ userId: calendarFeeds.userId, name: users.name })
    .from(calendarFeeds)
    .innerJoin(users, eq(users.id, calendarFeeds.userId))
    .where(eq(calendarFeeds.tokenHash, hashToken(secret)));
  if (!feed) return null;
  const since = new Date(ctx.clock.now().getTime() - FEED_HISTORY_DAYS * 24 * 3600_000);
  const rows = await ctx.db
    .select({
      id: bookings.id,
      title: bookings.title,
      startsAt: bookings.startsAt,
      endsAt: bookings.endsAt,
      status: bookings.status,
      location: bookings.location,
      notes: bookings.notes,
      notesKeyVersion: bookings.notesKeyVersion,
      updatedAt: bookings.updatedAt,
      firstName: clients.firstName,
      lastName: clients.lastName,
    })
    .from(bookings)
    .leftJoin(clients, eq(clients.id, bookings.clientId))
    .where(and(eq(bookings.userId, feed.userId), isNull(bookings.deletedAt), gt(bookings.endsAt, since)))
    .orderBy(asc(bookings.startsAt))
    .limit(5000);
  const events: IcsEvent[] = rows.map((r) => ({
    uid: `${r.id}@crm`,
    title: r.title,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    status: r.status,
    location: r.location,
    description: describe(
      [r.firstName, r.lastName].filter(Boolean).join(" ") || null,
      openBookingNotes(ctx, feed.userId, r),
    ),
    updatedAt: r.updatedAt,
  }));
  return toIcs(events, { name: `${feed.name} – bookings`, now: ctx.clock.now() });
}

/** One booking as an .ics download. */
export async function bookingIcs(ctx: AuthedContext, id: string): Promise<{ filename: string; content: string }> {
  const booking = await getBooking(ctx, id);
  if (!booking) throw new DomainError("NOT_FOUND", "Booking not found");
  const content = toIcs(
    [
      {
        uid: `${booking.id}@crm`,
        title: booking.title,
        startsAt: booking.startsAt,
        endsAt: booking.endsAt,
        status: booking.status,
        location: booking.location,
        description: describe(booking.clientName, booking.notes),
        updatedAt: booking.updatedAt,
      },
    ],
    { name: booking.title, now: ctx.clock.now() },
  );
  const slug =
    booking.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "booking";
  return { filename: `${slug}.ics`, content };
}
