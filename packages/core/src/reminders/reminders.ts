import { schema } from "@crm/db";
import { messages, sameWallClockDayBefore } from "@crm/shared";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { AuthedContext, CoreContext } from "../context";
import { DomainError } from "../errors";
import type { JobQueue } from "../jobs/registry";
import { inRetryingTransaction } from "../transaction";
import { sendReminderJob } from "./jobs";

const { bookings, clients, emailMessages, users } = schema;
const HOUR_MS = 3600_000;
const PENDING = ["scheduled", "sending"] as const;

function requireJobs(ctx: CoreContext): JobQueue {
  if (!ctx.jobs) throw new Error("Scheduling reminders needs the job queue in the context");
  return ctx.jobs;
}

/**
 * When the reminder of a booking goes out: the same wall-clock time the day before, in the
 * owner's zone (DST never moves it); a booking made less than a day ahead gets it now when it
 * starts more than an hour later, otherwise none.
 */
export function reminderTime(startsAt: Date, ownerZone: string, now: Date): { at: Date } | { none: string } {
  const due = sameWallClockDayBefore(startsAt, ownerZone);
  if (due > now) return { at: due };
  if (startsAt.getTime() - now.getTime() > HOUR_MS) return { at: now };
  return { none: "No reminder: the booking starts within the hour" };
}

/**
 * Brings a booking's reminder in line with the booking, in the caller's transaction: cancels the
 * pending one when it no longer fits (rescheduled, cancelled, deleted, client without email) and
 * schedules one when it should exist. Call after every change to a booking.
 *
 * A reminder belongs to the start it was made for (`for_starts_at`): once one has gone out (or
 * failed for good) for the current start, edits that keep the start (a rename, a status change,
 * a note) never send another; a reschedule starts afresh.
 */
export async function syncReminder(ctx: AuthedContext, bookingId: string): Promise<void> {
  const jobs = requireJobs(ctx);
  const [row] = await ctx.db
    .select({
      startsAt: bookings.startsAt,
      status: bookings.status,
      deletedAt: bookings.deletedAt,
      clientEmail: clients.email,
      zone: users.timeZone,
    })
    .from(bookings)
    .innerJoin(users, eq(users.id, bookings.userId))
    .leftJoin(clients, eq(clients.id, bookings.clientId))
    .where(and(eq(bookings.id, bookingId), eq(bookings.userId, ctx.userId)));
  if (!row) return;
  const now = ctx.clock.now();

  let wanted: { at: Date } | { none: string } | null = null;
  if (row.deletedAt || !(row.status === "proposed" || row.status === "confirmed")) wanted = null;
  else if (!row.clientEmail) wanted = { none: "No reminder: the client has no email address" };
  else wanted = reminderTime(row.startsAt, row.zone, now);

  const reminders = await ctx.db
    .select({
      id: emailMessages.id,
      scheduledFor: emailMessages.scheduledFor,
      forStartsAt: emailMessages.forStartsAt,
      jobId: emailMessages.jobId,
      status: emailMessages.status,
      toAddress: emailMessages.toAddress,
    })
    .from(emailMessages)
    .where(
      and(
        eq(emailMessages.userId, ctx.userId),
        eq(emailMessages.bookingId, bookingId),
        eq(emailMessages.kind, "reminder"),
        sql`${emailMessages.status} <> 'cancelled'`,
      ),
    );
  const target = wanted && "at" in wanted ? wanted.at : null;
  const forThisStart = (email: { forStartsAt: Date | null }) =>
    email.forStartsAt !== null && email.forStartsAt.getTime() === row.startsAt.getTime();
  // Already handled for this start: sent, delivered, bounced... or failed for good (the user can
  // resend), unless the client's address changed since (a typo fixed after a bounce).
  const sameAddress = (email: { toAddress: string | null }) =>
    email.toAddress === null || email.toAddress.toLowerCase() === row.clientEmail?.toLowerCase();
  let covered = reminders.some(
    (email) => forThisStart(email) && sameAddress(email) && !PENDING.includes(email.status as (typeof PENDING)[number]),
  );
  const dueNow = target !== null && target.getTime() <= now.getTime();
  for (const email of reminders) {
    if (!PENDING.includes(email.status as (typeof PENDING)[number])) continue;
    const fits =
      target !== null &&
      forThisStart(email) &&
      // Retrying, or due already (less than a day ahead, or a "Resend reminder"): let it go out.
      // A future one must be due at the wanted time (the owner's zone may have changed).
      (email.status === "sending" ||
        dueNow ||
        (email.scheduledFor !== null &&
          (email.scheduledFor.getTime() <= now.getTime() ||
            Math.abs(email.scheduledFor.getTime() - target.getTime()) < 1000)));
    if (fits) {
      covered = true;
      continue;
    }
    await ctx.db
      .update(emailMessages)
      .set({ status: "cancelled", updatedAt: now })
      .where(eq(emailMessages.id, email.id));
    if (email.jobId) await jobs.cancel(ctx.db, sendReminderJob.name, email.jobId);
  }
  await ctx.db
    .update(bookings)
    .set({ reminderNote: wanted && "none" in wanted ? wanted.none : null })
    .where(eq(bookings.id, bookingId));
  if (target && !covered) await scheduleReminderEmail(ctx, bookingId, row.startsAt, target);
}

async function scheduleReminderEmail(
  ctx: AuthedContext,
  bookingId: string,
  forStartsAt: Date,
  at: Date,
): Promise<string> {
  const jobs = requireJobs(ctx);
  const now = ctx.clock.now();
  const [email] = await ctx.db
    .insert(emailMessages)
    .values({
      userId: ctx.userId,
      bookingId,
      kind: "reminder",
      status: "scheduled",
      scheduledFor: at,
      forStartsAt,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: emailMessages.id });
  const jobId = await jobs.send(
    ctx.db,
    sendReminderJob,
    { userId: ctx.userId, emailId: email!.id },
    { startAfter: at },
  );
  await ctx.db.update(emailMessages).set({ jobId }).where(eq(emailMessages.id, email!.id));
  return email!.id;
}

/**
 * "Resend reminder": a fresh email, sent now (its own idempotency key). While one is already on its
 * way (due now, or retrying) that one is returned instead, so a double click sends one email.
 */
export async function resendReminder(ctx: AuthedContext, bookingId: string) {
  return inRetryingTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .select({ status: bookings.status, startsAt: bookings.startsAt, clientEmail: clients.email })
      .from(bookings)
      .leftJoin(clients, eq(clients.id, bookings.clientId))
      .where(and(eq(bookings.id, bookingId), eq(bookings.userId, ctx.userId), isNull(bookings.deletedAt)))
      // Serializes concurrent clicks on the same booking, so the second one sees the first's email.
      .for("update", { of: bookings });
    if (!row) throw new DomainError("NOT_FOUND", "Booking not found");
    if (!row.clientEmail) throw new DomainError("VALIDATION", "The client has no email address", { field: "clientId" });
    if (row.status === "cancelled" || row.status === "completed") {
      throw new DomainError("INVALID_TRANSITION", `A ${row.status} booking gets no reminder`);
    }
    const now = ctx.clock.now();
    const [onItsWay] = await tx.db
      .select({ id: emailMessages.id })
      .from(emailMessages)
      .where(
        and(
          eq(emailMessages.userId, ctx.userId),
          eq(emailMessages.bookingId, bookingId),
          eq(emailMessages.kind, "reminder"),
          sql`(${emailMessages.status} = 'sending' or (${emailMessages.status} = 'scheduled' and ${emailMessages.scheduledFor} <= ${now.toISOString()}::timestamptz))`,
        ),
      )
      .limit(1);
    if (onItsWay) return { emailId: onItsWay.id };
    const id = await scheduleReminderEmail(tx, bookingId, row.startsAt, now);
    return { emailId: id };
  });
}
/** The latest reminder state of a booking, for the booking page. */
export async function reminderStatus(ctx: AuthedContext, bookingId: string) {
  const [row] = await ctx.db
    .select()
    .from(emailMessages)
    .where(
      and(
        eq(emailMessages.userId, ctx.userId),
        eq(emailMessages.bookingId, bookingId),
        eq(emailMessages.kind, "reminder"),
      ),
    )
    .orderBy(desc(emailMessages.createdAt))
    .limit(1);
  const [booking] = await ctx.db
    .select({ note: bookings.reminderNote, status: bookings.status, clientEmail: clients.email })
    .from(bookings)
    .leftJoin(clients, eq(clients.id, bookings.clientId))
    .where(and(eq(bookings.id, bookingId), eq(bookings.userId, ctx.userId)));
  if (!booking) throw new DomainError("NOT_FOUND", messages.notFound);
  // What "Resend reminder" needs (resendReminder refuses the rest), so the page offers it only then.
  const canResend = Boolean(booking.clientEmail) && (booking.status === "proposed" || booking.status === "confirmed");
  return row
    ? {
        status: row.status,
        scheduledFor: row.scheduledFor,
        sentAt: row.sentAt,
        deliveredAt: row.deliveredAt,
        error: row.lastError,
        note: booking.note,
        canResend,
      }
    : {
        status: null,
        scheduledFor: null,
        sentAt: null,
        deliveredAt: null,
        error: null,
        note: booking.note,
        canResend,
      };
}

/** Re-syncs the reminders of upcoming bookings (after a client's email or the owner's zone changed). */
export async function syncUpcomingReminders(ctx: AuthedContext, filter: { clientId?: string } = {}): Promise<void> {
  if (!ctx.jobs) return;
  const upcoming = await ctx.db
    .select({ id: bookings.id })
    .from(bookings)
    .where(
      and(
        eq(bookings.userId, ctx.userId),
        isNull(bookings.deletedAt),
        inArray(bookings.status, ["proposed", "confirmed"]),
        sql`${bookings.startsAt} > ${ctx.clock.now().toISOString()}::timestamptz`,
        filter.clientId ? eq(bookings.clientId, filter.clientId) : undefined,
      ),
    );
  for (const booking of upcoming) await syncReminder(ctx, booking.id);
}
