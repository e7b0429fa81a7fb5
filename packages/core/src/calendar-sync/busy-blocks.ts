/**
 * Busy blocks: events made in Google that are not ours become bookings with no client, which hold
 * their time here (and can be linked to a client later).
 */
import { schema } from "@crm/db";
import { and, eq } from "drizzle-orm";
import { recordActivity } from "../activity/activity";
import type { AuthedContext } from "../context";
import type { ProviderEvent } from "../ports";
import { inTransaction } from "../transaction";
import { writeWithConflictFlag } from "./conflicts";
import type { EventTimes } from "./mapping";
import { syncActivity } from "./sync-activity";
import { windowStart } from "./sync-window";
import type { LinkedBooking } from "./types";

const { bookings } = schema;

export const isBusyBlock = (booking: LinkedBooking) => booking.source === "google" && booking.clientId === null;

/** An event made in Google that is not ours: a "busy" block with no client. */
export async function importEvent(ctx: AuthedContext, event: ProviderEvent, times: EventTimes): Promise<boolean> {
  // Incremental results reach outside the window.
  if (times.endsAt.getTime() <= windowStart(ctx.clock.now()).getTime()) return false;
  await writeWithConflictFlag(ctx, times.startsAt, times.endsAt, undefined, async (tx, conflict) => {
    const now = ctx.clock.now();
    const [row] = await tx.db
      .insert(bookings)
      .values({
        userId: ctx.userId,
        clientId: null,
        title: event.summary?.trim() || "Busy",
        startsAt: times.startsAt,
        endsAt: times.endsAt,
        allDay: times.allDay,
        location: event.location ?? null,
        status: event.status === "tentative" ? "proposed" : "confirmed",
        source: "google",
        googleEventId: event.id,
        googleEtag: event.etag ?? null,
        googleUpdatedAt: event.updated ?? null,
        changeSeq: 1,
        pushedSeq: 1,
        syncConflict: conflict,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordActivity(
      tx,
      syncActivity(row!, "created_in_google", {
        title: { before: null, after: row!.title },
        startsAt: { before: null, after: row!.startsAt.toISOString() },
        endsAt: { before: null, after: row!.endsAt.toISOString() },
        ...(conflict && { conflict: { before: null, after: conflict } }),
      }),
      null,
    );
  });
  return true;
}

/** A busy block mirrors its event only: when the event no longer holds time the block goes. */
export async function dropBusyBlock(ctx: AuthedContext, booking: LinkedBooking): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const dropped = await tx.db
      .delete(bookings)
      .where(and(eq(bookings.id, booking.id), eq(bookings.version, booking.version)))
      .returning({ id: bookings.id });
    if (dropped.length === 0) return false; // linked or edited meanwhile: the next sync sees it again
    await recordActivity(tx, syncActivity(booking, "freed_in_google"), null);
    return true;
  });
}
