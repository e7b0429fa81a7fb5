import { schema } from "@crm/db";
import { and, eq, inArray, isNotNull, or, type SQL, sql } from "drizzle-orm";
import type { CoreContext } from "../context";
import { sendReminderJob } from "../reminders/jobs";

const { activityLogs, bookings, clientNotes, emailMessages } = schema;

/** A client about to go for good (erased now, or purged from Trash). */
export interface DepartingClient {
  id: string;
  email: string | null;
}

export interface ScrubResult {
  activity: number;
  emails: number;
  cancelledReminders: number;
}

/**
 * Removes what the rest of the account says about clients that are going for good, in the caller's
 * transaction and before their rows go (their bookings and notes are read to find what mentions them):
 * - activity entries about them, their notes or their bookings keep the action, the time and the kind of
 *   record, but lose the values (changes → null: before/after fields, names, emails);
 * - emails to them keep kind, status and times, but lose the address, the subject, the body and the
 *   link to the booking;
 * - reminders still waiting to go out to them are cancelled, with their jobs.
 * Shared by privacy.eraseClient and the Trash purge, so both leave the same traces.
 */
export async function scrubClientTraces(
  ctx: CoreContext,
  userId: string,
  departing: DepartingClient[],
): Promise<ScrubResult> {
  if (departing.length === 0) return { activity: 0, emails: 0, cancelledReminders: 0 };
  const clientIds = departing.map((c) => c.id);
  const bookingIds = (
    await ctx.db
      .select({ id: bookings.id })
      .from(bookings)
      .where(and(eq(bookings.userId, userId), inArray(bookings.clientId, clientIds)))
  ).map((b) => b.id);
  const noteIds = (
    await ctx.db
      .select({ id: clientNotes.id })
      .from(clientNotes)
      .where(and(eq(clientNotes.userId, userId), inArray(clientNotes.clientId, clientIds)))
  ).map((n) => n.id);

  const entityIds = [...clientIds, ...bookingIds, ...noteIds];
  const activity = await ctx.db
    .update(activityLogs)
    .set({ changes: null })
    .where(
      and(
        eq(activityLogs.userId, userId),
        or(inArray(activityLogs.clientId, clientIds), inArray(activityLogs.entityId, entityIds)),
        isNotNull(activityLogs.changes),
      ),
    )
    .returning({ id: activityLogs.id });

  const addresses = departing.flatMap((c) => (c.email ? [c.email.toLowerCase()] : []));
  const toThem: (SQL | undefined)[] = [];
  if (bookingIds.length) toThem.push(inArray(emailMessages.bookingId, bookingIds));
  // An email whose booking is gone (the link is set null) is found by its address.
  if (addresses.length) toThem.push(inArray(sql`lower(${emailMessages.toAddress})`, addresses));
  if (toThem.length === 0) return { activity: activity.length, emails: 0, cancelledReminders: 0 };
  const mentioning = and(eq(emailMessages.userId, userId), or(...toThem));

  const now = ctx.clock.now();
  const pending = await ctx.db
    .update(emailMessages)
    .set({ status: "cancelled", updatedAt: now })
    .where(and(mentioning, inArray(emailMessages.status, ["scheduled", "sending"])))
    .returning({ jobId: emailMessages.jobId });
  for (const { jobId } of pending) {
    if (jobId && ctx.jobs) await ctx.jobs.cancel(ctx.db, sendReminderJob.name, jobId);
  }
  const emails = await ctx.db
    .update(emailMessages)
    // Unlinked from the booking too: it goes now (or stays only as a blank tombstone for Google).
    .set({ toAddress: null, subject: null, textBody: null, bookingId: null, updatedAt: now })
    .where(mentioning)
    .returning({ id: emailMessages.id });
  return { activity: activity.length, emails: emails.length, cancelledReminders: pending.length };
}
