import { dayKey, formatDateTime, formatTime } from "../../lib/time";
import { type RouterOutputs, trpc } from "../../lib/trpc";

export type CalendarSyncStatus = RouterOutputs["calendarSync"]["status"];
export type CalendarSyncState = CalendarSyncStatus["status"];

export const STATE_LABELS: Record<CalendarSyncState, string> = {
  not_connected: "Not connected",
  connected: "Connected",
  syncing: "Syncing",
  paused: "Sync paused",
  disconnected: "Disconnected",
  error: "Error",
};

export const STATE_TONES: Record<CalendarSyncState, "neutral" | "green" | "blue" | "amber" | "red"> = {
  not_connected: "neutral",
  connected: "green",
  syncing: "blue",
  paused: "amber",
  disconnected: "red",
  error: "red",
};

/** How often the status is asked for: fast while a sync runs or right after an action, else slowly. */
const FAST_MS = 2_000;
const LAYOUT_MS = 60_000;

/**
 * The Google Calendar connection's status. `fast` polls every 2 s (while a sync runs or right after
 * "Sync now"); otherwise every `slowMs` (the layout's 60 s by default). One query key, so the banner,
 * the nav badge and Settings agree.
 */
export function useCalendarSyncStatus(options: { fast?: boolean; slowMs?: number } = {}) {
  return trpc.calendarSync.status.useQuery(undefined, {
    refetchInterval: (query) =>
      options.fast || query.state.data?.status === "syncing" ? FAST_MS : (options.slowMs ?? LAYOUT_MS),
    staleTime: 1_000,
  });
}

/** Starts the consent round trip: the server answers Google's URL and the browser goes there. */
export function useConnectGoogle() {
  return trpc.calendarSync.connect.useMutation({
    onSuccess: ({ url }) => {
      window.location.href = url;
    },
  });
}

/** When a paused sync resumes: "14:05" today, else "Thu 5 Mar 2026, 14:05" (the user's zone). */
export function resumeTime(until: Date, zone: string, now: Date = new Date()): string {
  return dayKey(until, zone) === dayKey(now, zone) ? formatTime(until, zone) : formatDateTime(until, zone);
}
