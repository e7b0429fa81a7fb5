import { schema } from "@crm/db";
import { type EraseClientInput, eraseClientInput } from "@crm/shared";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { recordActivity } from "../activity/activity";
import { lockBookingSlots } from "../bookings/bookings";
import { enqueueSyncFor } from "../calendar-sync/changes";
import type { AuthedContext } from "../context";
import { DomainError } from "../errors";
import { compactStage, lockPipeline } from "../pipeline/stages";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { scrubClientTraces } from "./scrub";

const { bookings, clients } = schema;

/**
 * The `source` of a booking kept only so its Google event can be deleted after its client was erased:
 * no client, no title, notes or place, cancelled and deleted. The Google push deletes the event and
 * then the row (see calendar-sync/push.ts); nothing else ever shows it.
 */
export const ERASED_BOOKING_SOURCE = "erased";
export const ERASED_BOOKING_TITLE = "Erased";

export interface EraseClientResult {
  clientId: string;
  /** Bookings removed with the client. */
  bookings: number;
  /** Of those, the ones whose Google event is deleted by the next sync. */
  googleEventsPending: number;
  scrubbed: { activity: number; emails: number; cancelledReminders: number };
}

/**
 * The right to be forgotten, at once (not Trash): the client, their notes and bookings go; what the
 * rest of the account says about them is scrubbed (scrub.ts); their Google events are deleted by the
 * next sync. Works for a live client or one in Trash; another owner's id answers NOT_FOUND.
 */
export async function eraseClient(ctx: AuthedContext, rawInput: EraseClientInput): Promise<EraseClientResult> {
  const input = parseInput(eraseClientInput, rawInput);
  return inTransaction(ctx, async (tx) => {
    await lockPipeline(tx);
    await lockBookingSlots(tx);
    const [client] = await tx.db
      .select({ id: clients.id, email: clients.email, stageId: clients.stageId, deletedAt: clients.deletedAt })
      .from(clients)
      .where(and(eq(clients.id, input.clientId), eq(clients.userId, ctx.userId)))
      .for("update");
    if (!client) throw new DomainError("NOT_FOUND", "Client not found");

    const scrubbed = await scrubClientTraces(tx, ctx.userId, [{ id: client.id, email: client.email }]);
    const now = ctx.clock.now();
    // A booking linked to a Google event stays as a blank tombstone until the push deletes its event.
    const tombstones = await tx.db
      .update(bookings)
      .set({
        clientId: null,
        source: ERASED_BOOKING_SOURCE,
        title: ERASED_BOOKING_TITLE,
        location: null,
        notes: null,
        notesKeyVersion: null,
        timeZone: null,
        reminderNote: null,
        syncConflict: null,
        syncNotice: null,
        status: "cancelled",
        // Google's own all-day blocks may span days (allowed only for source "google"): one minute is
        // enough for a row that only carries an event id.
        endsAt: sql`${bookings.startsAt} + interval '1 minute'` as unknown as Date,
        allDay: false,
        deletedAt: sql`coalesce(${bookings.deletedAt}, ${now.toISOString()}::timestamptz)` as unknown as Date,
        changeSeq: sql`${bookings.changeSeq} + 1` as unknown as number,
        updatedAt: now,
      })
      .where(and(eq(bookings.userId, ctx.userId), eq(bookings.clientId, client.id), isNotNull(bookings.googleEventId)))
      .returning({ id: bookings.id });
    const removed = await tx.db
      .delete(bookings)
      .where(and(eq(bookings.userId, ctx.userId), eq(bookings.clientId, client.id)))
      .returning({ id: bookings.id });
    // Notes go with the client (foreign key cascade).
    await tx.db.delete(clients).where(eq(clients.id, client.id));
    if (!client.deletedAt && client.stageId) await compactStage(tx, client.stageId);
    if (tombstones.length > 0) await enqueueSyncFor(tx, ctx.userId);
    await recordActivity(tx, { entityType: "client", entityId: client.id, action: "erased" });
    return {
      clientId: client.id,
      bookings: tombstones.length + removed.length,
      googleEventsPending: tombstones.length,
      scrubbed,
    };
  });
}

/** After the push deleted its Google event: an erased booking's tombstone has nothing left to do. */
export async function dropErasedBooking(ctx: AuthedContext, bookingId: string): Promise<void> {
  await ctx.db
    .delete(bookings)
    .where(
      and(
        eq(bookings.userId, ctx.userId),
        eq(bookings.id, bookingId),
        eq(bookings.source, ERASED_BOOKING_SOURCE),
        isNull(bookings.clientId),
      ),
    );
}
