import { schema } from "@crm/db";
import { clientDisplayName, decodeEmailCursor, emailListInput, encodeEmailCursor } from "@crm/shared";
import { and, desc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { AuthedContext, CoreContext } from "../context";
import { DomainError } from "../errors";
import { parseInput } from "../validation";

const { bookings, clients, emailMessages } = schema;
const HOUR_MS = 3600_000;

export interface EmailView {
  id: string;
  bookingId: string | null;
  kind: string;
  to: string | null;
  subject: string | null;
  /** The plain-text part, once sent (or attempted). */
  text: string | null;
  status: string;
  provider: string | null;
  attempts: number;
  lastError: string | null;
  scheduledFor: Date | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  /**
   * The booking it is about, as it is now: a reminder not yet sent has no recipient or subject of
   * its own, and the outbox still shows whom and what it is for.
   */
  booking: { title: string; startsAt: Date; clientName: string | null; clientEmail: string | null } | null;
}

export async function listEmails(ctx: AuthedContext, rawInput: z.input<typeof emailListInput>) {
  const input = parseInput(emailListInput, rawInput);
  const limit = 30;
  const conditions = [eq(emailMessages.userId, ctx.userId)];
  if (input.bookingId) conditions.push(eq(emailMessages.bookingId, input.bookingId));
  if (input.cursor) {
    const after = decodeEmailCursor(input.cursor);
    if (!after) throw new DomainError("VALIDATION", "Invalid cursor", { field: "cursor" });
    conditions.push(
      sql`(${emailMessages.createdAt}, ${emailMessages.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const rows = await ctx.db
    .select({
      email: emailMessages,
      bookingTitle: bookings.title,
      bookingStartsAt: bookings.startsAt,
      clientFirstName: clients.firstName,
      clientLastName: clients.lastName,
      clientEmail: clients.email,
    })
    .from(emailMessages)
    .leftJoin(bookings, eq(bookings.id, emailMessages.bookingId))
    .leftJoin(clients, eq(clients.id, bookings.clientId))
    .where(and(...conditions))
    .orderBy(desc(emailMessages.createdAt), desc(emailMessages.id))
    .limit(limit + 1);
  const items: EmailView[] = rows.slice(0, limit).map(({ email: r, ...about }) => ({
    id: r.id,
    bookingId: r.bookingId,
    kind: r.kind,
    to: r.toAddress,
    subject: r.subject,
    text: r.textBody,
    status: r.status,
    provider: r.provider,
    attempts: r.attempts,
    lastError: r.lastError,
    scheduledFor: r.scheduledFor,
    sentAt: r.sentAt,
    deliveredAt: r.deliveredAt,
    createdAt: r.createdAt,
    booking:
      about.bookingTitle !== null && about.bookingStartsAt !== null
        ? {
            title: about.bookingTitle,
            startsAt: about.bookingStartsAt,
            clientName:
              about.clientFirstName || about.clientLastName || about.clientEmail
                ? clientDisplayName({
                    firstName: about.clientFirstName,
                    lastName: about.clientLastName,
                    email: about.clientEmail,
                  })
                : null,
            clientEmail: about.clientEmail,
          }
        : null,
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeEmailCursor(last) : null };
}

/** The product's bounce-rate thresholds over 24 hours (also in ops/prometheus/crm-alerts.yml). */
export const BOUNCE_WARNING_RATE = 0.03;
export const BOUNCE_CRITICAL_RATE = 0.05;
/** Below this many emails a day, one bounce is no signal. */
export const BOUNCE_MIN_SENT = 5;

/**
 * Bounces among emails sent in the last 24 hours (all users, or one): a warning above 3%, critical
 * above 5% (where providers start suspending senders). `warning` is true at either level.
 */
export async function bounceRate(ctx: CoreContext, userId?: string) {
  const since = new Date(ctx.clock.now().getTime() - 24 * HOUR_MS);
  const [row] = await ctx.db
    .select({
      sent: sql<number>`count(*) filter (where ${emailMessages.status} in ('sent','delivered','bounced','complained'))::int`,
      bounced: sql<number>`count(*) filter (where ${emailMessages.status} = 'bounced')::int`,
    })
    .from(emailMessages)
    .where(
      and(
        sql`${emailMessages.sentAt} >= ${since.toISOString()}::timestamptz`,
        userId ? eq(emailMessages.userId, userId) : undefined,
      ),
    );
  const sent = row?.sent ?? 0;
  const bounced = row?.bounced ?? 0;
  const rate = sent ? bounced / sent : 0;
  const level: "ok" | "warning" | "critical" =
    sent < BOUNCE_MIN_SENT
      ? "ok"
      : rate > BOUNCE_CRITICAL_RATE
        ? "critical"
        : rate > BOUNCE_WARNING_RATE
          ? "warning"
          : "ok";
  return { sent, bounced, rate, level, warning: level !== "ok" };
}
