/** The Calendar API's URL space: which method and path is which call (googleapis' paths under /calendar/v3/). */

export type CalendarRoute =
  | { name: "channels.stop" }
  | { name: "calendarList.list" }
  | {
      name: "calendarList.get" | "calendars.get" | "events.list" | "events.insert" | "events.watch";
      calendarId: string;
    }
  | {
      name: "events.get" | "events.patch" | "events.update" | "events.delete" | "events.instances";
      calendarId: string;
      eventId: string;
    };

export function matchCalendarRoute(method: string, s: string[]): CalendarRoute | undefined {
  const [a, b, c, d, e] = s;
  if (s.length === 2 && a === "channels" && b === "stop" && method === "POST") return { name: "channels.stop" };
  if (a === "users" && b === "me" && c === "calendarList" && method === "GET") {
    if (s.length === 3) return { name: "calendarList.list" };
    if (s.length === 4 && d) return { name: "calendarList.get", calendarId: d };
  }
  if (a !== "calendars" || !b) return undefined;
  if (s.length === 2 && method === "GET") return { name: "calendars.get", calendarId: b };
  if (c !== "events") return undefined;
  if (s.length === 3) {
    if (method === "GET") return { name: "events.list", calendarId: b };
    if (method === "POST") return { name: "events.insert", calendarId: b };
    return undefined;
  }
  if (!d) return undefined;
  if (s.length === 4 && d === "watch" && method === "POST") return { name: "events.watch", calendarId: b };
  if (s.length === 4) {
    const name = ({ GET: "events.get", PATCH: "events.patch", PUT: "events.update", DELETE: "events.delete" } as const)[
      method as "GET" | "PATCH" | "PUT" | "DELETE"
    ];
    return name ? { name, calendarId: b, eventId: d } : undefined;
  }
  if (s.length === 5 && e === "instances" && method === "GET") {
    return { name: "events.instances", calendarId: b, eventId: d };
  }
  return undefined;
}
