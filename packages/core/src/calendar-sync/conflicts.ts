/**
 * Two kinds of conflict: an edit on both sides (last write wins, with a notice), and a booking
 * Google moved onto a slot taken here (kept, flagged for the user, exempt from the no-overlap rule).
 */
import { schema } from "@crm/db";
import { clientDisplayName } from "@crm/shared";
import { and, eq, gt, inArray, isNotNull, isNull, lt, ne } from "drizzle-orm";
import { recordActivity } from "../activity/activity";
import type { AuthedContext } from "../context";
import { pgErrorCode } from "../errors";
import type { ProviderEvent } from "../ports";
import { inTransaction, retryOnConflict } from "../transaction";
import { syncActivity } from "./sync-activity";
import type { LinkedBooking } from "./types";

const { bookings, clients } = schema;

/** The no-overlap exclusion constraint refused the write. */
const isOverlap = (error: unknown) => pgErrorCode(error) === "23P01";

/**
 * Writes a booking from Google; if its slot is taken (the exclusion constraint refuses it), writes
 * it again flagged as a conflict, naming the booking in the way. Never drops Google's version.
 */
export async function writeWithConflictFlag(
  ctx: AuthedContext,
  startsAt: Date,
  endsAt: Date,
  selfId: string | undefined,
  write: (tx: AuthedContext, conflict: string | null) => Promise<void>,
): Promise<void> {
  try {
    await inTransaction(ctx, (tx) => write(tx, null));
  } catch (error) {
    if (!isOverlap(error)) throw error;
    const conflict = await describeOverlap(ctx, startsAt, endsAt, selfId);
    await inTransaction(ctx, (tx) => write(tx, conflict));
  }
}

/** The conflict flag's words: which booking holds the slot, and with whom. */
async function describeOverlap(
  ctx: AuthedContext,
  startsAt: Date,
  endsAt: Date,
  selfId: string | undefined,
): Promise<string> {
  const [inTheWay] = await ctx.db
    .select({ title: bookings.title, firstName: clients.firstName, lastName: clients.lastName, email: clients.email })
    .from(bookings)
    .leftJoin(clients, eq(clients.id, bookings.clientId))
    .where(
      and(
        eq(bookings.userId, ctx.userId),
        isNull(bookings.deletedAt),
        isNull(bookings.syncConflict),
        inArray(bookings.status, ["proposed", "confirmed"]),
        lt(bookings.startsAt, endsAt),
        gt(bookings.endsAt, startsAt),
        selfId ? ne(bookings.id, selfId) : undefined,
      ),
    )
    .limit(1);
  if (!inTheWay) return "Overlaps another booking at the same time";
  const who = inTheWay.firstName || inTheWay.lastName || inTheWay.email ? ` with ${clientDisplayName(inTheWay)}` : "";
  return `Overlaps "${inTheWay.title}"${who}, booked at the same time`;
}

/** Flags whose overlap is gone (the other booking moved or was cancelled) are cleared. */
export async function clearResolvedConflicts(ctx: AuthedContext): Promise<void> {
  const flagged = await ctx.db
    .select({ id: bookings.id })
    .from(bookings)
    .where(and(eq(bookings.userId, ctx.userId), isNotNull(bookings.syncConflict), isNull(bookings.deletedAt)));
  for (const { id } of flagged) {
    try {
      // Clearing the flag puts the booking back under the no-overlap rule, so it can deadlock too.
      await retryOnConflict(() =>
        inTransaction(ctx, async (tx) => {
          await tx.db.update(bookings).set({ syncConflict: null }).where(eq(bookings.id, id));
        }),
      );
    } catch (error) {
      if (!isOverlap(error)) throw error; // still overlapping: stays flagged
    }
  }
}

/** Changed here and not pushed yet. */
export const isDirty = (booking: LinkedBooking) => booking.changeSeq > booking.pushedSeq;

/**
 * Last write wins: both sides changed, and the edit here is newer than Google's (an event without
 * `updated` counts as newest).
 */
export function localEditIsNewer(booking: LinkedBooking, event: ProviderEvent): boolean {
  const googleTime = event.updated?.getTime() ?? Number.POSITIVE_INFINITY;
  return isDirty(booking) && booking.updatedAt.getTime() > googleTime;
}

/** Keeps the edit made here over Google's: writes `fields` (the link, a notice) and logs the decision. */
export async function keepLocalEdit(
  ctx: AuthedContext,
  booking: LinkedBooking,
  fields: Partial<LinkedBooking>,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.db.update(bookings).set(fields).where(eq(bookings.id, booking.id));
    await recordActivity(tx, syncActivity(booking, "sync_conflict_kept_crm"), null);
  });
}
