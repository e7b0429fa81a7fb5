import { schema } from "@crm/db";
import {
  type BookingStatus,
  bookingCreateInput,
  bookingListInput,
  bookingSlotInput,
  bookingTransitionInput,
  bookingUpdateInput,
  clientBookingsInput,
  clientDisplayName,
  messages,
  transitionError,
} from "@crm/shared";
import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, sql } from "drizzle-orm";
import type { z } from "zod";
import { diffFields, recordActivity } from "../activity/activity";
import { noteBookingChange } from "../calendar-sync/changes";
import type { AuthedContext } from "../context";
import { DomainError, pgErrorCode } from "../errors";
import { syncReminder } from "../reminders/reminders";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";

const { bookings, clients } = schema;

export interface BookingView {
  id: string;
  clientId: string | null;
  clientName: string | null;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  notes: string | null;
  status: BookingStatus;
  timeZone: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** "crm", or "google" for events made in Google Calendar (no client: a "busy" block). */
  source: string;
  allDay: boolean;
  /** Linked to a Google Calendar event. */
  inGoogle: boolean;
  /** Google moved it onto a taken slot: shown until the user resolves it. */
  syncConflict: string | null;
  syncNotice: string | null;
}

const bookingColumns = {
  id: bookings.id,
  clientId: bookings.clientId,
  title: bookings.title,
  startsAt: bookings.startsAt,
  endsAt: bookings.endsAt,
  location: bookings.location,
  notes: bookings.notes,
  status: bookings.status,
  timeZone: bookings.timeZone,
  version: bookings.version,
  createdAt: bookings.createdAt,
  updatedAt: bookings.updatedAt,
  source: bookings.source,
  allDay: bookings.allDay,
  inGoogle: sql<boolean>`${bookings.googleEventId} is not null`,
  syncConflict: bookings.syncConflict,
  syncNotice: bookings.syncNotice,
  clientFirstName: clients.firstName,
  clientLastName: clients.lastName,
  clientEmail: clients.email,
};

type BookingRow = { [K in keyof typeof bookingColumns]: unknown } & Omit<BookingView, "clientName"> & {
    clientFirstName: string | null;
    clientLastName: string | null;
    clientEmail: string | null;
  };

function toView(row: BookingRow): BookingView {
  const { clientFirstName, clientLastName, clientEmail, ...rest } = row;
  return {
    ...(rest as Omit<BookingView, "clientName">),
    clientName: row.clientId
      ? clientDisplayName({ firstName: clientFirstName, lastName: clientLastName, email: clientEmail })
      : null,
  };
}

const TRACKED = ["title", "startsAt", "endsAt", "location", "notes", "status", "timeZone", "clientId"] as const;

function selectBookings(ctx: AuthedContext) {
  return ctx.db.select(bookingColumns).from(bookings).leftJoin(clients, eq(clients.id, bookings.clientId));
}

async function findBooking(ctx: AuthedContext, id: string, lock = false): Promise<BookingView> {
  const query = selectBookings(ctx).where(
    and(eq(bookings.id, id), eq(bookings.userId, ctx.userId), isNull(bookings.deletedAt)),
  );
  const [row] = lock ? await query.for("update", { of: bookings }) : await query;
  if (!row) throw new DomainError("NOT_FOUND", "Booking not found");
  return toView(row as BookingRow);
}

async function assertLiveClient(ctx: AuthedContext, clientId: string) {
  const [row] = await ctx.db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.id, clientId), eq(clients.userId, ctx.userId), isNull(clients.deletedAt)));
  if (!row) throw new DomainError("NOT_FOUND", "Client not found", { field: "clientId" });
}

/** The proposed or confirmed bookings that overlap [startsAt, endsAt), other than `excludeId`. */
export async function overlappingBookings(
  ctx: AuthedContext,
  startsAt: Date,
  endsAt: Date,
  excludeId?: string,
): Promise<BookingView[]> {
  const rows = await selectBookings(ctx)
    .where(
      and(
        eq(bookings.userId, ctx.userId),
        isNull(bookings.deletedAt),
        inArray(bookings.status, ["proposed", "confirmed"]),
        // A flagged sync conflict is exempt from the no-overlap constraint, so it blocks nothing.
        isNull(bookings.syncConflict),
        lt(bookings.startsAt, endsAt),
        gt(bookings.endsAt, startsAt),
        excludeId ? ne(bookings.id, excludeId) : undefined,
      ),
    )
    .orderBy(asc(bookings.startsAt));
  return rows.map((r) => toView(r as BookingRow));
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

export async function checkSlot(ctx: AuthedContext, rawInput: z.input<typeof bookingSlotInput>) {
  const input = parseInput(bookingSlotInput, rawInput);
  const [inTheWay] = await overlappingBookings(ctx, input.startsAt, input.endsAt, input.excludeId);
  return inTheWay ? { available: false as const, conflict: inTheWay } : { available: true as const, conflict: null };
}

export async function createBooking(
  ctx: AuthedContext,
  rawInput: z.input<typeof bookingCreateInput>,
): Promise<BookingView> {
  const input = parseInput(bookingCreateInput, rawInput);
  try {
    return await inTransaction(ctx, async (tx) => {
      await assertLiveClient(tx, input.clientId);
      const now = ctx.clock.now();
      const [row] = await tx.db
        .insert(bookings)
        .values({
          userId: ctx.userId,
          clientId: input.clientId,
          title: input.title,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          location: input.location ?? null,
          notes: input.notes ?? null,
          timeZone: input.timeZone ?? null,
          status: input.status ?? "proposed",
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: bookings.id });
      if (ctx.jobs) await syncReminder(tx, row!.id);
      await noteBookingChange(tx, row!.id);
      const view = await findBooking(tx, row!.id);
      const empty = Object.fromEntries(TRACKED.map((f) => [f, null])) as unknown as BookingView;
      await recordActivity(tx, {
        entityType: "booking",
        entityId: view.id,
        clientId: view.clientId,
        action: "created",
        changes: diffFields(empty, view, TRACKED),
      });
      return view;
    });
  } catch (error) {
    return rethrowOverlap(ctx, error, input.startsAt, input.endsAt);
  }
}

export async function getBooking(ctx: AuthedContext, id: string): Promise<BookingView> {
  return findBooking(ctx, id);
}

/** Edits a booking; new times go through the same overlap rule. Final bookings keep their times. */
export async function updateBooking(
  ctx: AuthedContext,
  rawInput: z.input<typeof bookingUpdateInput>,
): Promise<BookingView> {
  const input = parseInput(bookingUpdateInput, rawInput);
  let span: { startsAt: Date; endsAt: Date } | undefined;
  try {
    return await inTransaction(ctx, async (tx) => {
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
          ...(input.notes !== undefined && { notes: input.notes }),
          ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
          startsAt,
          endsAt,
          // The user acted on it: a sync conflict is resolved (the constraint applies again).
          ...(rescheduled && { syncConflict: null }),
          version: current.version + 1,
          updatedAt: ctx.clock.now(),
        })
        .where(eq(bookings.id, current.id));
      if (ctx.jobs) await syncReminder(tx, current.id);
      await noteBookingChange(tx, current.id);
      const view = await findBooking(tx, current.id);
      const changes = diffFields(current, view, TRACKED);
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
  return inTransaction(ctx, async (tx) => {
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
    if (ctx.jobs) await syncReminder(tx, current.id);
    await noteBookingChange(tx, current.id);
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

/** Bookings overlapping [from, to), for calendars; cancelled ones included (shown struck through). */
export async function listBookings(
  ctx: AuthedContext,
  rawInput: z.input<typeof bookingListInput>,
): Promise<BookingView[]> {
  const input = parseInput(bookingListInput, rawInput);
  const rows = await selectBookings(ctx)
    .where(
      and(
        eq(bookings.userId, ctx.userId),
        isNull(bookings.deletedAt),
        lt(bookings.startsAt, input.to),
        gt(bookings.endsAt, input.from),
        input.clientId ? eq(bookings.clientId, input.clientId) : undefined,
      ),
    )
    .orderBy(asc(bookings.startsAt), asc(bookings.id))
    .limit(5000);
  return rows.map((r) => toView(r as BookingRow));
}

/** A client's bookings: upcoming first (soonest first), then past ones (most recent first). */
export async function listClientBookings(ctx: AuthedContext, rawInput: z.input<typeof clientBookingsInput>) {
  const input = parseInput(clientBookingsInput, rawInput);
  await assertLiveClient(ctx, input.clientId);
  const now = ctx.clock.now();
  const base = and(eq(bookings.userId, ctx.userId), eq(bookings.clientId, input.clientId), isNull(bookings.deletedAt));
  const upcoming = await selectBookings(ctx)
    .where(and(base, gt(bookings.endsAt, now)))
    .orderBy(asc(bookings.startsAt))
    .limit(200);
  const past = await selectBookings(ctx)
    .where(and(base, sql`${bookings.endsAt} <= ${now.toISOString()}::timestamptz`))
    .orderBy(desc(bookings.startsAt))
    .limit(200);
  return { upcoming: upcoming.map((r) => toView(r as BookingRow)), past: past.map((r) => toView(r as BookingRow)) };
}

export async function deleteBooking(ctx: AuthedContext, id: string): Promise<{ id: string }> {
  return inTransaction(ctx, async (tx) => {
    const current = await findBooking(tx, id, true);
    await tx.db
      .update(bookings)
      .set({ deletedAt: ctx.clock.now(), version: current.version + 1, updatedAt: ctx.clock.now() })
      .where(eq(bookings.id, id));
    if (ctx.jobs) await syncReminder(tx, id);
    await noteBookingChange(tx, id);
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
  if (ctx.jobs) for (const b of trashed) await syncReminder(ctx, b.id);
  await noteBookingChange(
    ctx,
    trashed.map((b) => b.id),
  );
}

/**
 * Brings back the bookings trashed with a client. One whose slot was taken meanwhile comes back
 * cancelled (logged), since two live bookings may not overlap.
 */
export async function restoreClientBookings(ctx: AuthedContext, clientId: string, trashedAt: Date): Promise<void> {
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
    if (ctx.jobs) await syncReminder(ctx, booking.id);
    await noteBookingChange(ctx, booking.id);
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
