import { formatInZone } from "@crm/shared";
import { trpc } from "../../lib/trpc";
import { browserTimeZone } from "../../lib/utils";

/** The signed-in user's zone (Settings); times on screen are shown in it, not the browser's. */
export function useZone(): string {
  const me = trpc.auth.me.useQuery();
  return me.data?.timeZone ?? browserTimeZone() ?? "UTC";
}

function safeFormat(instant: Date, zone: string, pattern: string): string {
  try {
    return formatInZone(instant, zone, pattern);
  } catch {
    return formatInZone(instant, "UTC", pattern);
  }
}

/** "Thu 5 Mar, 14:30" this year; "5 Mar 2025, 14:30" otherwise. */
export function formatWhen(instant: Date, zone: string, now: Date = new Date()): string {
  const sameYear = safeFormat(instant, zone, "yyyy") === safeFormat(now, zone, "yyyy");
  return safeFormat(instant, zone, sameYear ? "EEE d MMM, HH:mm" : "d MMM yyyy, HH:mm");
}

/** "Thursday 5 March 2026, 14:30:05 (Europe/Berlin)", for a tooltip. */
export function formatFull(instant: Date, zone: string): string {
  return `${safeFormat(instant, zone, "EEEE d MMMM yyyy, HH:mm:ss")} (${zone})`;
}

/** "14:30" today, "Thu 5 Mar, 14:30" otherwise. */
export function formatShort(instant: Date, zone: string, now: Date = new Date()): string {
  if (safeFormat(instant, zone, "yyyy-MM-dd") === safeFormat(now, zone, "yyyy-MM-dd")) {
    return `today, ${safeFormat(instant, zone, "HH:mm")}`;
  }
  return formatWhen(instant, zone, now);
}
