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

export const STATE_TONES: Record<CalendarSyncState, "neutral" | "green" | "indigo" | "amber" | "red"> = {
  not_connected: "neutral",
  connected: "green",
  syncing: "indigo",
  paused: "amber",
  disconnected: "red",
  error: "red",
};

/**
 * The Google Calendar connection's status. `fast` polls every 2 s (while a sync runs or right after
 * "Sync now"); otherwise every `slowMs`. One query key, so the banner, the nav badge and Settings agree.
 */
export function useCalendarSyncStatus(options: { fast?: boolean; slowMs?: number } = {}) {
  return trpc.calendarSync.status.useQuery(undefined, {
    refetchInterval: (query) =>
      options.fast || query.state.data?.status === "syncing" ? 2_000 : (options.slowMs ?? 60_000),
    staleTime: 1_000,
  });
}

/** Starts the consent round trip: the server answers Google's URL and the browser goes there. */
export function useConnectGoogle() {
  return trpc.calendarSync.connect.useMutation({
    onSuccess: ({ url }) => {
      window.location.assign(url);
    },
  });
}
