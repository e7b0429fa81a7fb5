/** OAuth scopes: which ones each Calendar API call accepts, how the consent page describes them, their aliases. */

export const GOOGLE_CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar";
export const GOOGLE_CALENDAR_EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events";

const AUTH = "https://www.googleapis.com/auth/";
export const EVENT_READ_SCOPES = new Set(
  [
    "calendar",
    "calendar.readonly",
    "calendar.events",
    "calendar.events.readonly",
    "calendar.events.owned",
    "calendar.events.owned.readonly",
  ].map((s) => AUTH + s),
);
export const EVENT_WRITE_SCOPES = new Set(
  ["calendar", "calendar.events", "calendar.events.owned"].map((s) => AUTH + s),
);
export const CALENDAR_GET_SCOPES = new Set(
  ["calendar", "calendar.readonly", "calendar.calendars", "calendar.calendars.readonly", "calendar.app.created"].map(
    (s) => AUTH + s,
  ),
);
export const CALENDAR_LIST_SCOPES = new Set(
  ["calendar", "calendar.readonly", "calendar.calendarlist", "calendar.calendarlist.readonly"].map((s) => AUTH + s),
);
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  [`${AUTH}calendar`]:
    "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
  [`${AUTH}calendar.readonly`]: "See and download any calendar you can access using your Google Calendar",
  [`${AUTH}calendar.events`]: "View and edit events on all your calendars",
  [`${AUTH}calendar.events.readonly`]: "View events on all your calendars",
  [`${AUTH}calendar.events.owned`]: "See, create, change, and delete events on Google calendars you own",
  [`${AUTH}calendar.calendarlist.readonly`]: "See the list of Google calendars you're subscribed to",
  [`${AUTH}userinfo.email`]: "See your primary Google Account email address",
  [`${AUTH}userinfo.profile`]: "See your personal info, including any personal info you've made publicly available",
  openid: "Associate you with your personal info on Google",
};
/** Google answers the short OpenID scope names with their long form. */
export const SCOPE_ALIASES: Record<string, string> = {
  email: `${AUTH}userinfo.email`,
  profile: `${AUTH}userinfo.profile`,
};

export function isKnownScope(scope: string): boolean {
  return (
    scope === "openid" ||
    scope === "email" ||
    scope === "profile" ||
    /^https:\/\/www\.googleapis\.com\/auth\/[a-z0-9._-]+$/i.test(scope)
  );
}

export function normalizeScopes(scopes: string[]): string[] {
  return [...new Set(scopes.map((s) => SCOPE_ALIASES[s] ?? s))];
}
