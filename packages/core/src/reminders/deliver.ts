import { schema } from "@crm/db";
import { and, eq, sql } from "drizzle-orm";
import type { CoreContext } from "../context";
import type { SendResult } from "../ports";
import { preparedPerDb } from "../sql";
import { composeReminder } from "./compose";

const { bookings, clients, emailMessages, users } = schema;
const PENDING = ["scheduled", "sending"] as const;

export const REMINDER_RETRY_LIMIT = 5;

/** The message and everything the email says, in one round trip (this runs for every reminder). */
const reminderFactsQuery = preparedPerDb((db) =>
  db
    .select({
      email: {
        id: emailMessages.id,
        status: emailMessages.status,
        bookingId: emailMessages.bookingId,
        createdAt: emailMessages.createdAt,
      },
      booking: {
        id: bookings.id,
        title: bookings.title,
        startsAt: bookings.startsAt,
        endsAt: bookings.endsAt,
        location: bookings.location,
        status: bookings.status,
        updatedAt: bookings.updatedAt,
        deletedAt: bookings.deletedAt,
        bookingZone: bookings.timeZone,
      },
      clientEmail: clients.email,
      clientFirstName: clients.firstName,
      ownerZone: users.timeZone,
      ownerName: users.name,
      ownerEmail: users.email,
      ownerDeletionScheduledFor: users.deletionScheduledFor,
    })
    .from(emailMessages)
    .leftJoin(bookings, eq(bookings.id, emailMessages.bookingId))
    .leftJoin(users, eq(users.id, bookings.userId))
    .leftJoin(clients, eq(clients.id, bookings.clientId))
    .where(and(eq(emailMessages.id, sql.placeholder("emailId")), eq(emailMessages.userId, sql.placeholder("userId"))))
    .prepare("reminder_facts"),
);

/** The success outcome, the other statement every reminder runs: prepared for the same reason. */
const markSentUpdate = preparedPerDb((db) => {
  const at = sql`${sql.placeholder("at")}::timestamptz`;
  return db
    .update(emailMessages)
    .set({
      status: "sent",
      attempts: sql`${emailMessages.attempts} + 1`,
      toAddress: sql`${sql.placeholder("to")}`,
      subject: sql`${sql.placeholder("subject")}`,
      textBody: sql`${sql.placeholder("text")}`,
      provider: sql`${sql.placeholder("provider")}`,
      providerId: sql`${sql.placeholder("providerId")}`,
      sentAt: at,
      lastError: null,
      updatedAt: at,
    })
    .where(eq(emailMessages.id, sql.placeholder("id")))
    .prepare("reminder_mark_sent");
});

/**
 * The job: sends one reminder email. Idempotent: a row already sent (or cancelled) is left
 * alone, and the email id is the provider's idempotency key, so a retry after a crash between
 * sending and recording never sends twice.
 */
export async function deliverReminder(
  ctx: CoreContext,
  payload: { userId: string; emailId: string },
  retryCount: number,
): Promise<void> {
  if (!ctx.email) throw new Error("Sending reminders needs a mailer in the context");
  // One round trip for the message and everything the email says (this runs for every reminder),
  // built once per database handle: at thousands a second, building the query costs more than running it.
  const [row] = await reminderFactsQuery(ctx.db).execute({ emailId: payload.emailId, userId: payload.userId });
  const email = row?.email;
  // A job that ran out of retries lands in failed jobs; its Retry button runs it once more (pg-boss
  // raises its retry limit), and that run may send the message it marked failed.
  const retriedByHand = email?.status === "failed" && retryCount > REMINDER_RETRY_LIMIT;
  if (!email || !(PENDING.includes(email.status as (typeof PENDING)[number]) || retriedByHand) || !email.bookingId) {
    return;
  }
  const facts =
    row.booking && row.ownerZone !== null
      ? {
          ...row.booking,
          clientEmail: row.clientEmail,
          clientFirstName: row.clientFirstName,
          ownerZone: row.ownerZone,
          ownerName: row.ownerName ?? "",
          ownerEmail: row.ownerEmail ?? "",
        }
      : null;
  const now = ctx.clock.now();
  if (
    !facts ||
    // The owner asked to delete the account: nothing goes out any more (the request cancelled these).
    row.ownerDeletionScheduledFor ||
    facts.deletedAt ||
    !(facts.status === "proposed" || facts.status === "confirmed") ||
    !facts.clientEmail
  ) {
    await ctx.db
      .update(emailMessages)
      .set({ status: "cancelled", updatedAt: now })
      .where(eq(emailMessages.id, email.id));
    return;
  }
  if (facts.startsAt.getTime() <= now.getTime()) {
    // Late (workers were down, or a Retry long after): a reminder of a session already under way helps no one.
    await ctx.db
      .update(emailMessages)
      .set({ status: "failed", lastError: "Not sent: the booking had already started", updatedAt: now })
      .where(eq(emailMessages.id, email.id));
    return;
  }
  const content = composeReminder(
    {
      bookingId: facts.id,
      title: facts.title,
      startsAt: facts.startsAt,
      endsAt: facts.endsAt,
      location: facts.location,
      status: facts.status,
      updatedAt: facts.updatedAt,
      clientFirstName: facts.clientFirstName,
      zone: facts.bookingZone ?? facts.ownerZone,
      professionalName: facts.ownerName,
      professionalEmail: facts.ownerEmail,
    },
    // The message's own creation time, not now: a retry must send the very same payload, or
    // Resend refuses the idempotency key (409 invalid_idempotent_request).
    email.createdAt,
  );
  // No write before the send: the outcome is recorded in one statement after it (one commit per
  // email instead of two, which halves the WAL flushes when many come due at once). A crash in between
  // leaves the message "scheduled" and the job is retried; Resend's idempotency key (our id)
  // keeps a retry from sending twice.
  let result: SendResult;
  try {
    result = await ctx.email.mailer.send({
      id: email.id,
      from: ctx.email.from,
      to: facts.clientEmail,
      subject: content.subject,
      text: content.text,
      html: content.html,
      attachments: content.attachments,
      tags: [{ name: "kind", value: "reminder" }],
    });
  } catch (error) {
    result = { ok: false, retryable: true, reason: error instanceof Error ? error.message : String(error) };
  }
  const done = ctx.clock.now();
  if (result.ok) {
    await markSentUpdate(ctx.db).execute({
      id: email.id,
      to: facts.clientEmail,
      subject: content.subject,
      text: content.text,
      provider: ctx.email.mailer.kind,
      providerId: result.providerId,
      at: done.toISOString(),
    });
    return;
  }
  const lastAttempt = retryCount >= REMINDER_RETRY_LIMIT;
  await ctx.db
    .update(emailMessages)
    .set({
      status: result.retryable && !lastAttempt ? "sending" : "failed",
      attempts: sql`${emailMessages.attempts} + 1`,
      toAddress: facts.clientEmail,
      subject: content.subject,
      textBody: content.text,
      lastError: result.reason,
      provider: ctx.email.mailer.kind,
      updatedAt: done,
    })
    .where(eq(emailMessages.id, email.id));
  // Soft failures (429, 5xx, timeouts) go back to pg-boss, which retries with backoff.
  // After the last one the job fails for good: pg-boss copies it to the dead-letter queue and it shows
  // in failed jobs, with a Retry button.
  if (result.retryable) {
    throw new Error(lastAttempt ? `Email not sent: ${result.reason}` : `Email not sent yet: ${result.reason}`);
  }
}
