/** The calendar's views as the URL names them (kept apart from the calendar so routes stay light). */
export const CALENDAR_VIEWS = ["month", "week", "day", "agenda"] as const;
export type CalendarView = (typeof CALENDAR_VIEWS)[number];
