import { z } from "zod";
import { timeZoneSchema } from "./auth";
import { idSchema, versionSchema } from "./clients";
import { text } from "./text";

export const BOOKING_STATUSES = ["proposed", "confirmed", "completed", "cancelled"] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const bookingStatusSchema = z.enum(BOOKING_STATUSES, {
  error: "Status must be proposed, confirmed, completed or cancelled",
});

/** The booking lifecycle, shared by server and web (the UI offers only these moves). */
export const BOOKING_TRANSITIONS: Record<BookingStatus, readonly BookingStatus[]> = {
  proposed: ["confirmed", "cancelled"],
  confirmed: ["completed", "cancelled"],
  completed: [],
  cancelled: [],
};

/** Statuses that hold their slot (and so can't overlap another). */
export const BLOCKING_STATUSES: readonly BookingStatus[] = ["proposed", "confirmed"];

export const BOOKING_STATUS_LABELS: Record<BookingStatus, string> = {
  proposed: "Proposed",
  confirmed: "Confirmed",
  completed: "Completed",
  cancelled: "Cancelled",
};

export function nextStatuses(from: BookingStatus): readonly BookingStatus[] {
  return BOOKING_TRANSITIONS[from];
}

/** Null when the move is allowed, else a sentence saying why not. */
export function transitionError(from: BookingStatus, to: BookingStatus): string | null {
  if (BOOKING_TRANSITIONS[from].includes(to)) return null;
  if (from === to) return `The booking is already ${from}`;
  if (from === "completed" || from === "cancelled") {
    return `A ${from} booking cannot go back to ${to}`;
  }
  if (to === "proposed") return `A ${from} booking cannot go back to proposed`;
  return `A ${from} booking cannot become ${to}; confirm it first`;
}

export const MAX_BOOKING_HOURS = 24;
const EARLIEST = new Date("2000-01-01T00:00:00Z");
const LATEST = new Date("2100-01-01T00:00:00Z");

const instant = (label: string) =>
  z.coerce
    .date({ error: `${label} must be a date and time` })
    .refine((d) => d >= EARLIEST && d < LATEST, { error: `${label} must be between the years 2000 and 2099` });

const optionalText = (max: number, label: string) =>
  text()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional();

function checkSpan(v: { startsAt?: Date; endsAt?: Date }, ctx: z.RefinementCtx) {
  if (!v.startsAt || !v.endsAt) return;
  const ms = v.endsAt.getTime() - v.startsAt.getTime();
  if (ms <= 0) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "The end must be after the start" });
  else if (ms > MAX_BOOKING_HOURS * 3600_000) {
    ctx.addIssue({
      code: "custom",
      path: ["endsAt"],
      message: `A booking can last at most ${MAX_BOOKING_HOURS} hours`,
    });
  }
}

const bookingFields = {
  title: text().trim().min(1, "Title is required").max(200, "Title must be at most 200 characters"),
  location: optionalText(500, "Location"),
  notes: optionalText(5000, "Notes"),
  /** The client's own zone when they are elsewhere. */
  timeZone: timeZoneSchema.nullable().optional(),
};

export const bookingCreateInput = z
  .object({
    clientId: idSchema,
    ...bookingFields,
    startsAt: instant("Start"),
    endsAt: instant("End"),
    status: z.enum(["proposed", "confirmed"], { error: "A new booking is proposed or confirmed" }).optional(),
  })
  .superRefine(checkSpan);

export const bookingUpdateInput = z
  .object({
    id: idSchema,
    version: versionSchema,
    clientId: idSchema.optional(),
    title: bookingFields.title.optional(),
    location: bookingFields.location,
    notes: bookingFields.notes,
    timeZone: bookingFields.timeZone,
    startsAt: instant("Start").optional(),
    endsAt: instant("End").optional(),
  })
  .superRefine(checkSpan);

export const bookingTransitionInput = z.object({ id: idSchema, version: versionSchema, to: bookingStatusSchema });

export const bookingListInput = z
  .object({
    from: instant("From"),
    to: instant("To"),
    clientId: idSchema.optional(),
  })
  .refine((v) => v.to > v.from, { path: ["to"], error: "The range must end after it starts" })
  .refine((v) => v.to.getTime() - v.from.getTime() <= 400 * 24 * 3600_000, {
    path: ["to"],
    error: "Ask for at most about a year at a time",
  });

export const bookingSlotInput = z
  .object({ startsAt: instant("Start"), endsAt: instant("End"), excludeId: idSchema.optional() })
  .superRefine(checkSpan);

export const clientBookingsInput = z.object({ clientId: idSchema });
