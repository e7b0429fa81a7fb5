/**
 * The Calendar API handler: authentication (401), scopes (403 insufficientPermissions), the per-user quota
 * (403 userRateLimitExceeded), then the call itself: calendars, calendar list, events, watch channels.
 */
import type { calendar_v3 } from "googleapis";
import { FakeGoogleError, invalidCredentials, notFoundError } from "./errors";
import { listEvents, listInstances } from "./event-lists";
import { insertEvent, materializeInstance, modifyEvent, removeEvent } from "./events";
import { bearer, type Ctx, header, jsonBody, sendEmpty, sendJson } from "./http";
import { parseTimeZoneParam } from "./list-params";
import { tokenInfo, tokenUsable } from "./oauth";
import { present } from "./present";
import { stopChannel, watch } from "./push";
import { type CalendarRoute, matchCalendarRoute } from "./routes";
import { CALENDAR_GET_SCOPES, CALENDAR_LIST_SCOPES, EVENT_READ_SCOPES, EVENT_WRITE_SCOPES } from "./scopes";
import { account, type Calendar, type FakeGoogleState, findCalendar } from "./state";

type CalendarScopedRoute = Exclude<CalendarRoute, { name: "channels.stop" | "calendarList.list" }>;

export function handleCalendar(s: FakeGoogleState, ctx: Ctx): void {
  const segments = ctx.path
    .slice("/calendar/v3/".length)
    .split("/")
    .map((segment) => decodeURIComponent(segment));
  const route = matchCalendarRoute(ctx.method, segments);
  if (!route) throw new FakeGoogleError(notFoundError());
  const { email, scopes } = authenticate(s, ctx);
  checkQuota(s, email);
  if (route.name === "channels.stop") {
    requireScope(scopes, EVENT_READ_SCOPES);
    stopChannel(s, jsonBody(ctx), email);
    sendEmpty(ctx, 204);
    return;
  }
  if (route.name === "calendarList.list") {
    requireScope(scopes, CALENDAR_LIST_SCOPES);
    const items = [...account(s, email).calendars.values()].map((cal) => calendarListEntry(cal));
    sendJson(ctx, 200, { kind: "calendar#calendarList", etag: `"p3${s.lastEtag}"`, items });
    return;
  }
  const cal = findCalendar(s, email, route.calendarId);
  if (!cal) throw new FakeGoogleError(notFoundError());
  handleCalendarRoute(s, ctx, route, cal, { email, scopes });
}

function handleCalendarRoute(
  s: FakeGoogleState,
  ctx: Ctx,
  route: CalendarScopedRoute,
  cal: Calendar,
  { email, scopes }: { email: string; scopes: string[] },
): void {
  switch (route.name) {
    case "calendarList.get":
      requireScope(scopes, CALENDAR_LIST_SCOPES);
      sendJson(ctx, 200, calendarListEntry(cal));
      return;
    case "calendars.get":
      requireScope(scopes, CALENDAR_GET_SCOPES);
      sendJson(ctx, 200, calendarResource(cal));
      return;
    case "events.list":
      requireScope(scopes, EVENT_READ_SCOPES);
      listEvents(s, ctx, cal, email);
      return;
    case "events.instances":
      requireScope(scopes, EVENT_READ_SCOPES);
      listInstances(s, ctx, cal, route.eventId);
      return;
    case "events.insert": {
      requireScope(scopes, EVENT_WRITE_SCOPES);
      const ev = insertEvent(s, cal, jsonBody(ctx));
      sendJson(ctx, 200, present(ev, false, undefined));
      return;
    }
    case "events.get":
      requireScope(scopes, EVENT_READ_SCOPES);
      getEvent(ctx, cal, route.eventId);
      return;
    case "events.patch":
    case "events.update": {
      requireScope(scopes, EVENT_WRITE_SCOPES);
      const mode = route.name === "events.patch" ? "patch" : "update";
      const ev = modifyEvent(s, cal, route.eventId, jsonBody(ctx), mode, header(ctx, "if-match"));
      sendJson(ctx, 200, present(ev, false, undefined), { etag: ev.etag });
      return;
    }
    case "events.delete":
      requireScope(scopes, EVENT_WRITE_SCOPES);
      removeEvent(s, cal, route.eventId, header(ctx, "if-match"));
      sendEmpty(ctx, 204);
      return;
    case "events.watch":
      requireScope(scopes, EVENT_READ_SCOPES);
      watch(s, ctx, cal, email, route.calendarId);
      return;
  }
}

function getEvent(ctx: Ctx, cal: Calendar, eventId: string): void {
  const ev = cal.events.get(eventId)?.ev ?? materializeInstance(cal, eventId);
  if (!ev) throw new FakeGoogleError(notFoundError());
  const ifNoneMatch = header(ctx, "if-none-match");
  if (ifNoneMatch && ifNoneMatch === ev.etag) {
    sendEmpty(ctx, 304);
    return;
  }
  sendJson(ctx, 200, present(ev, false, parseTimeZoneParam(ctx.url.searchParams)), { etag: ev.etag });
}

function authenticate(s: FakeGoogleState, ctx: Ctx): { email: string; scopes: string[] } {
  const authorization = ctx.req.headers.authorization;
  if (!authorization) {
    throw new FakeGoogleError({
      code: 401,
      domain: "global",
      reason: "required",
      message: "Login Required.",
      locationType: "header",
      location: "Authorization",
      topMessage:
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    });
  }
  const token = bearer(authorization);
  const found = token ? tokenInfo(s, token) : undefined;
  if (!found || !tokenUsable(s, found)) throw new FakeGoogleError(invalidCredentials());
  ctx.account = found.grant.account;
  return { email: found.grant.account, scopes: found.info.scopes };
}

function requireScope(scopes: string[], allowed: Set<string>): void {
  if (scopes.some((scope) => allowed.has(scope))) return;
  throw new FakeGoogleError({
    code: 403,
    domain: "global",
    reason: "insufficientPermissions",
    message: "Insufficient Permission",
    topMessage: "Request had insufficient authentication scopes.",
  });
}

/** A sliding minute on the fake's clock per account. */
function checkQuota(s: FakeGoogleState, email: string): void {
  const limit = s.config.userQuotaPerMinute;
  if (limit === undefined) return;
  const now = s.nowMs();
  const window = (s.quotaWindows.get(email) ?? []).filter((t) => t > now - 60_000);
  s.quotaWindows.set(email, window);
  if (window.length >= limit) {
    throw new FakeGoogleError({
      code: 403,
      domain: "usageLimits",
      reason: "userRateLimitExceeded",
      message: "User Rate Limit Exceeded",
    });
  }
  window.push(now);
}

function calendarResource(cal: Calendar): calendar_v3.Schema$Calendar {
  return {
    kind: "calendar#calendar",
    etag: `"${cal.resourceId}"`,
    id: cal.id,
    summary: cal.id,
    timeZone: "UTC",
    conferenceProperties: { allowedConferenceSolutionTypes: ["hangoutsMeet"] },
  };
}

function calendarListEntry(cal: Calendar): calendar_v3.Schema$CalendarListEntry {
  const entry: calendar_v3.Schema$CalendarListEntry = {
    kind: "calendar#calendarListEntry",
    etag: `"${cal.resourceId}"`,
    id: cal.id,
    summary: cal.id,
    timeZone: "UTC",
    colorId: "14",
    backgroundColor: "#9fe1e7",
    foregroundColor: "#000000",
    selected: true,
    accessRole: "owner",
    defaultReminders: [],
  };
  if (cal.id === cal.account) entry.primary = true;
  return entry;
}
