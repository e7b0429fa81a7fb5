import { randomUUID } from "node:crypto";
import { schema } from "@crm/db";
import { bookingCreateInput, bookingTransitionInput, bookingUpdateInput, messages, transitionError } from "@crm/shared";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import { diffFields, recordActivity } from "../activity/activity";
import { noteBookingChange } from "../calendar-sync/changes";
import type { AuthedContext } from "../context";
import { sealBookingNotes } from "../crypto/sensitive";
import { DomainError, pgErrorCode } from "../errors";
import { syncReminder } from "../reminders/reminders";
import { inRetryingTransaction, lockOwnerScope } from "../transaction";
import { parseInput } from "../validation";
import { assertLiveClient, type BookingView, findBooking, overlappingBookings } from "./queries";

const { bookings } = schema;

const TRACKED = ["title", "startsAt", "endsAt", "location", "notes", "status", "timeZone", "clientId"] as const;

/**
 * A booking's activity changes without the notes' text (sealed at rest; the log is not): an edit of
 * the notes is recorded as such, with no before or after.
 */
function bookingChanges(before: BookingView, after: BookingView) {
  const changes = diffFields(before, after, TRACKED);
  if (changes.notes) changes.notes = { before: null, after: null };
  return changes;
}

/**
 * Serialises the writes that can put a booking on a slot (create, reschedule, status change,
 * restore) per owner, so two of them never check the no-overlap constraint against each other's
 * uncommitted row: concurrent inserts checked by an exclusion constraint deadlock instead of one
 * of them failing cleanly. Take it before any booking row is locked or written (a client's restore
 * takes it after the client's own locks; no booking write takes those afterwards).
 */
export function lockBookingSlots(ctx: AuthedContext): Promise<void> {
  return lockOwnerScope(ctx, "bookings");
}

/**
 * What follows every booking write, in its transaction: the reminder re-plan (where jobs can be
 * enqueued) and the change note for Google Calendar.
 */
async function afterBookingWrite(ctx: AuthedContext, bookingIds: string | string[]): Promise<void> {
  const ids = Array.isArray(bookingIds) ? bookingIds : [bookingIds];
  if (ctx.jobs) for (const id of ids) await syncReminder(ctx, id);
  await noteBookingChange(ctx, ids);
}

function overlapError(inTheWay: BookingView | undefined): DomainError {
  const who = inTheWay?.clientName ? ` with ${inTheWay.clientName}` : "";
  const what = inTheWay ? `: "${inTheWay.title}"${who} is booked then` : "";
  return new DomainError("OVERLAP", `${messages.slotUnavailable}${what}`, {
    field: "startsAt",
    details: inTheWay
      ? {
          bookingId: inTheWay.id,
          title: inTheWay.title,
          startsAt: inTheWay.startsAt.toISOString(),
          endsAt: inTheWay.endsAt.toISOString(),
        }
      : {},
  });
}

/**
 * The exclusion constraint refused the write (SQLSTATE 23P01): name the booking in the way.
 * It is looked up after the failed transaction, outside it.
 */
async function rethrowOverlap(
  ctx: AuthedContext,
  error: unknown,
  startsAt: Date,
  endsAt: Date,
  excludeId?: string,
): Promise<never> {
  if (pgErrorCode(error) === "23P01") {
    const [inTheWay] = await overlappingBookings(ctx, startsAt, endsAt, excludeId);
    throw overlapError(inTheWay);
  }
  throw error;
}

export async function createBooking(
  ctx: AuthedContext,
  rawInput: z.input<typeof bookingCreateInput>,
): Promise<BookingView> {
  const input = parseInput(bookingCreateInput, rawInput);
  try {
    return await inRetryingTransaction(ctx, async (tx) => {
      await lockBookingSlots(tx);
      await assertLiveClient(tx, input.clientId);
      const now = ctx.clock.now();
      // The id is made here: the sealed notes are bound to it.
      const id = randomUUID();
      const [row] = await tx.db
        .insert(bookings)
        .values({
          id,
          userId: ctx.userId,
          clientId: input.clientId,
          title: input.title,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          location: input.location ?? null,
          ...sealBookingNotes(ctx, ctx.userId, id, input.notes ?? null),
          timeZone: input.timeZone ?? null,
          status: input.status ?? "proposed",
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: bookings.id });
      await afterBookingWrite(tx, row!.id);
      const view = await findBooking(tx, row!.id);
      const empty = Object.fromEntries(TRACKED.map((f) => [f, null])) as unknown as BookingView;
      await recordActivity(tx, {
        entityType: "booking",
        entityId: view.id,
        clientId: view.clientId,
        action: "created",
        changes: bookingChanges(empty, view),
      });
      return view;
    });
  } catch (error) {
    return rethrowOverlap(ctx, error, input.startsAt, input.endsAt);
  }
}

/** Edits a booking; new times go through the same overlap rule. Final bookings keep their times. */
export async function updateBooking(
  ctx: AuthedContext,
  rawInput: z.input<typeof bookingUpdateInput>,
): Promise<BookingView> {
  const input = parseInput(bookingUpdateInput, rawInput);
  let span: { startsAt: Date; endsAt: Date } | undefined;
  try {
    return await inRetryingTransaction(ctx, async (tx) => {
      await lockBookingSlots(tx);
      const current = await findBooking(tx, input.id, true);
      if (current.version !== input.version) throw new DomainError("STALE_VERSION", messages.staleVersion);
      const startsAt = input.startsAt ?? current.startsAt;
      const endsAt = input.endsAt ?? current.endsAt;
      span = { startsAt, endsAt };
      const rescheduled =
        startsAt.getTime() !== current.startsAt.getTime() || endsAt.getTime() !== current.endsAt.getTime();
      if (rescheduled && (current.status === "completed" || current.status === "cancelled")) {
        throw new DomainError("INVALID_TRANSITION", `A ${current.status} booking cannot be rescheduled`, {
          field: "startsAt",
        });
      }
      const ms = endsAt.getTime() - startsAt.getTime();
      if (ms <= 0) throw new DomainError("VALIDATION", "The end must be after the start", { field: "endsAt" });
      if (ms > 24 * 3600_000)
        throw new DomainError("VALIDATION", "A booking can last at most 24 hours", { field: "endsAt" });
      if (input.clientId && input.clientId !== current.clientId) await assertLiveClient(tx, input.clientId);
      await tx.db
        .update(bookings)
        .set({
          ...(input.clientId !== undefined && { clientId: input.clientId }),
          ...(input.title !== undefined && { title: input.title }),
          ...(input.location !== undefined && { location: input.location }),
          ...(input.notes !== undefined && sealBookingNotes(ctx, ctx.userId, current.id, input.notes)),
          ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
          startsAt,
          endsAt,
          // The user acted on it: a sync conflict is resolved (the constraint applies again).
          ...(rescheduled && { syncConflict: null }),
          version: current.version + 1,
          updatedAt: ctx.clock.now(),
        })
        .where(eq(bookings.id, current.id));
      await afterBookingWrite(tx, current.id);
      const view = await findBooking(tx, current.id);
      const changes = bookingChanges(current, view);
      if (Object.keys(changes).length) {
        await recordActivity(tx, {
          entityType: "booking",
          entityId: view.id,
          clientId: view.clientId,
          action: rescheduled ? "rescheduled" : "updated",
          changes,
        });
      }
      return view;
    });
  } catch (error) {
    if (span) return rethrowOverlap(ctx, error, span.startsAt, span.endsAt, input.id);
    throw error;
  }
}

export async function transitionBooking(
  ctx: AuthedContext,
  rawInput: z.input<typeof bookingTransitionInput>,
): Promise<BookingView> {
  const input = parseInput(bookingTransitionInput, rawInput);
  return inRetryingTransaction(ctx, async (tx) => {
    await lockBookingSlots(tx);
    const current = await findBooking(tx, input.id, true);
    if (current.version !== input.version) throw new DomainError("STALE_VERSION", messages.staleVersion);
    const refused = transitionError(current.status, input.to);
    if (refused) throw new DomainError("INVALID_TRANSITION", refused, { field: "to" });
    if (input.to === "completed" && current.startsAt > ctx.clock.now()) {
      throw new DomainError("INVALID_TRANSITION", "A booking can be completed only once it has started", {
        field: "to",
      });
    }
    await tx.db
      .update(bookings)
      .set({
        status: input.to,
        ...(input.to === "cancelled" && { syncConflict: null }),
        version: current.version + 1,
        updatedAt: ctx.clock.now(),
      })
      .where(eq(bookings.id, current.id));
    await afterBookingWrite(tx, current.id);
    const view = await findBooking(tx, current.id);
    await recordActivity(tx, {
      entityType: "booking",
      entityId: view.id,
      clientId: view.clientId,
      action: input.to,
      changes: { status: { before: current.status, after: input.to } },
    });
    return view;
  });
}

export async function deleteBooking(ctx: AuthedContext, id: string): Promise<{ id: string }> {
  return inRetryingTransaction(ctx, async (tx) => {
    const current = await findBooking(tx, id, true);
    await tx.db
      .update(bookings)
      .set({ deletedAt: ctx.clock.now(), version: current.version + 1, updatedAt: ctx.clock.now() })
      .where(eq(bookings.id, id));
    await afterBookingWrite(tx, id);
    await recordActivity(tx, { entityType: "booking", entityId: id, clientId: current.clientId, action: "deleted" });
    return { id };
  });
}

/** Hides a client's bookings with it (same instant, so a restore brings back exactly these). */
export async function trashClientBookings(ctx: AuthedContext, clientId: string, at: Date): Promise<void> {
  const trashed = await ctx.db
    .update(bookings)
    .set({ deletedAt: at })
    .where(and(eq(bookings.userId, ctx.userId), eq(bookings.clientId, clientId), isNull(bookings.deletedAt)))
    .returning({ id: bookings.id });
  await afterBookingWrite(
    ctx,
    trashed.map((b) => b.id),
  );
}

/**
 * Brings back the bookings trashed with a client. One whose slot was taken meanwhile comes back
 * cancelled (logged), since two live bookings may not overlap.
 */
export async function restoreClientBookings(ctx: AuthedContext, clientId: string, trashedAt: Date): Promise<void> {
  await lockBookingSlots(ctx);
  const trashed = await ctx.db
    .select({ id: bookings.id, startsAt: bookings.startsAt, endsAt: bookings.endsAt, status: bookings.status })
    .from(bookings)
    .where(and(eq(bookings.userId, ctx.userId), eq(bookings.clientId, clientId), eq(bookings.deletedAt, trashedAt)))
    .orderBy(asc(bookings.startsAt));
  for (const booking of trashed) {
    const blocking = booking.status === "proposed" || booking.status === "confirmed";
    const taken = blocking && (await overlappingBookings(ctx, booking.startsAt, booking.endsAt, booking.id)).length > 0;
    await ctx.db
      .update(bookings)
      .set({ deletedAt: null, ...(taken && { status: "cancelled" as const }) })
      .where(eq(bookings.id, booking.id));
    await afterBookingWrite(ctx, booking.id);
    if (taken) {
      await recordActivity(ctx, {
        entityType: "booking",
        entityId: booking.id,
        clientId,
        action: "cancelled",
        changes: {
          status: { before: booking.status, after: "cancelled" },
          reason: { before: null, after: "Slot taken while the client was in Trash" },
        },
      });
    }
  }
}
