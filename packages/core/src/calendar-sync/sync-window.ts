/**
 * The sync window: bookings and events from 30 days back to a year ahead (recurring events are
 * expanded inside it). Google takes timeMin/timeMax only on a full listing, and a sync token keeps
 * the window of the listing it came from, so a full listing re-anchors it once it is `resyncDays` old.
 */
export const SYNC_WINDOW = { pastDays: 30, futureDays: 365, resyncDays: 7 };

export const DAY = 24 * 3600_000;

/** Bookings that ended before this are out of the window: neither pushed nor imported. */
export function windowStart(now: Date): Date {
  return new Date(now.getTime() - SYNC_WINDOW.pastDays * DAY);
}

/** The window a full listing asks Google for, anchored at `now`. */
export function syncWindow(now: Date): { timeMin: Date; timeMax: Date } {
  return { timeMin: windowStart(now), timeMax: new Date(now.getTime() + SYNC_WINDOW.futureDays * DAY) };
}
