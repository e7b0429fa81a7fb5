import { z } from "zod";
import { text } from "./text";

/** Google Calendar sync: the inputs of the calendarSync procedures. */

export const connectInput = z.object({
  /** "primary", or a calendar id from Google Calendar's settings ("…@group.calendar.google.com"). */
  calendarId: text()
    .trim()
    .min(1, "Calendar id is required")
    .max(255, "Calendar id is too long")
    .regex(/^[^\s/?#]+$/, "Calendar id has no spaces or slashes")
    .default("primary"),
});

export const dismissNoticeInput = z.object({ bookingId: z.uuid("Booking id must be a UUID") });
