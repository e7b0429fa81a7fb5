import type { Changes } from "../activity/activity";

/** An activity-log entry for a change the sync made to a booking (no user made it). */
export function syncActivity(booking: { id: string; clientId: string | null }, action: string, changes?: Changes) {
  return {
    entityType: "booking" as const,
    entityId: booking.id,
    clientId: booking.clientId,
    action,
    changes: changes ?? null,
  };
}
