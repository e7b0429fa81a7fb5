import { schema } from "@crm/db";
import {
  type BookingStatus,
  bookingListInput,
  bookingSlotInput,
  clientBookingsInput,
  clientDisplayName,
} from "@crm/shared";
import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, sql } from "drizzle-orm";
import type { z } from "zod";
import type { AuthedContext } from "../context";
import { openBookingNotes } from "../crypto/sensitive";
import { DomainError } from "../errors";
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
  notesKeyVersion: bookings.notesKeyVersion,
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
    notesKeyVersion: number | null;
    clientFirstName: string | null;
    clientLastName: string | null;
    clientEmail: string | null;
  };

/** The row as the user sees it: notes opened (sealed at rest), the client's name. */
function toView(ctx: AuthedContext, row: BookingRow): BookingView {
  const { clientFirstName, clientLastName, clientEmail, notesKeyVersion, ...rest } = row;
  return {
    ...(rest as Omit<BookingView, "clientName">),
    notes: openBookingNotes(ctx, ctx.userId, { id: row.id, notes: row.notes, notesKeyVersion }),
    clientName: row.clientId
      ? clientDisplayName({ firstName: clientFirstName, lastName: clientLastName, email: clientEmail })
      : null,
  };
}

export function selectBookings(ctx: AuthedContext) {
  return ctx.db.select(bookingColumns).from(bookings).leftJoin(clients, eq(clients.id, bookings.clientId));
}

export async function findBooking(ctx: AuthedContext, id: string, lock = false): Promise<BookingView> {
  const query = selectBookings(ctx).where(
    and(eq(bookings.id, id), eq(bookings.userId, ctx.userId), isNull(bookings.deletedAt)),
  );
  const [row] = lock ? await query.for("update", { of: bookings }) : await query;
  if (!row) throw new DomainError("NOT_FOUND", "Booking not found");
  return toView(ctx, row as BookingRow);
}

export async function assertLiveClient(ctx: AuthedContext, clientId: string) {
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
  return rows.map((r) => toView(ctx, r as BookingRow));
}

export async function checkSlot(ctx: AuthedContext, rawInput: z.input<typeof bookingSlotInput>) {
  const input = parseInput(bookingSlotInput, rawInput);
  const [inTheWay] = await overlappingBookings(ctx, input.startsAt, input.endsAt, input.excludeId);
  return inTheWay ? { available: false as const, conflict: inTheWay } : { available: true as const, conflict: null };
}

export async function getBooking(ctx: AuthedContext, id: string): Promise<BookingView> {
  return findBooking(ctx, id);
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
  return rows.map((r) => toView(ctx, r as BookingRow));
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
  return {
    upcoming: upcoming.map((r) => toView(ctx, r as BookingRow)),
    past: past.map((r) => toView(ctx, r as BookingRow)),
  };
}
