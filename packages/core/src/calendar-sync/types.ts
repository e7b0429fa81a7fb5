import type { schema } from "@crm/db";

/** The connection row a run works on (read when its lease was taken). */
export type ConnectionRow = typeof schema.calendarConnections.$inferSelect;

/** A booking as the sync reads it: linked to a Google event, or about to be. */
export type LinkedBooking = typeof schema.bookings.$inferSelect;

export type SyncLog = (message: string, details?: Record<string, unknown>) => void;
