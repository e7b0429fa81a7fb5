/** Calendar events: writes, validation, etags, filters, and authorisation errors. */
import type { calendar_v3 } from "googleapis";
import { describe, expect, it } from "vitest";
import { apiError, type CaughtApiError, timed, useFakeGoogle } from "./clients.test-util";

const { clock, fake, oauthClient, connect, calendar } = useFakeGoogle();

describe("Calendar events", () => {
  it("inserts, gets, patches (If-Match), updates, deletes, and refuses duplicates", async () => {
    const { accessToken } = await connect("crud@example.com");
    const api = calendar(accessToken);
    const inserted = await api.events.insert({
      calendarId: "primary",
      requestBody: {
        id: "booking0001abc",
        summary: "Session with Ana",
        description: "first",
        ...timed("2026-03-02T10:00:00+01:00"),
        extendedProperties: { private: { crmBookingId: "b1", other: "x" } },
      },
    });
    expect(inserted.status).toBe(200);
    const ev = inserted.data;
    expect(ev).toMatchObject({
      kind: "calendar#event",
      id: "booking0001abc",
      status: "confirmed",
      summary: "Session with Ana",
      start: { dateTime: "2026-03-02T09:00:00Z" },
      sequence: 0,
      iCalUID: "booking0001abc@google.com",
      created: "2026-03-01T09:00:00.000Z",
      updated: "2026-03-01T09:00:00.000Z",
      creator: { email: "crud@example.com", self: true },
    });
    expect(ev.etag).toMatch(/^"\d+"$/);
    expect(ev.htmlLink).toMatch(/^https:\/\/www\.google\.com\/calendar\/event\?eid=/);

    const got = await api.events.get({ calendarId: "crud@example.com", eventId: "booking0001abc" });
    expect(got.data.etag).toBe(ev.etag);

    clock.advance(1000);
    // googleapis' types only take headers in the second argument (the params-object form works at runtime only).
    const patched = await api.events.patch(
      {
        calendarId: "primary",
        eventId: "booking0001abc",
        requestBody: { summary: "Session with Ana (moved)", extendedProperties: { private: { other: null } } } as never,
      },
      { headers: { "If-Match": ev.etag ?? "" } },
    );
    expect(patched.data).toMatchObject({
      summary: "Session with Ana (moved)",
      description: "first",
      sequence: 1,
      updated: "2026-03-01T09:00:01.000Z",
      extendedProperties: { private: { crmBookingId: "b1" } },
    });
    expect(patched.data.etag).not.toBe(ev.etag);
    const stale = await apiError(
      api.events.patch(
        { calendarId: "primary", eventId: "booking0001abc", requestBody: { summary: "lost update" } },
        { headers: { "If-Match": ev.etag ?? "" } },
      ),
    );
    expect(stale).toMatchObject({ status: 412, reason: "conditionNotMet" });
    expect(stale.data?.error?.errors?.[0]?.location).toBe("If-Match");

    const updated = await api.events.update({
      calendarId: "primary",
      eventId: "booking0001abc",
      requestBody: { summary: "Replaced", ...timed("2026-03-02T11:00:00Z") },
    });
    expect(updated.data.description).toBeUndefined();
    expect(updated.data.extendedProperties).toBeUndefined();

    expect((await api.events.delete({ calendarId: "primary", eventId: "booking0001abc" })).status).toBe(204);
    const tombstone = await api.events.get({ calendarId: "primary", eventId: "booking0001abc" });
    expect(tombstone.data.status).toBe("cancelled");
    expect(
      await apiError(api.events.delete({ calendarId: "primary", eventId: "booking0001abc" }, { retry: false })),
    ).toMatchObject({ status: 410, reason: "deleted" });
    const duplicate = await apiError(
      api.events.insert({
        calendarId: "primary",
        requestBody: { id: "booking0001abc", ...timed("2026-03-03T10:00:00Z") },
      }),
    );
    expect(duplicate).toMatchObject({ status: 409, reason: "duplicate" });
    expect(duplicate.data?.error?.message).toBe("The requested identifier already exists.");

    // Undelete: a cancelled event can be patched back to confirmed.
    const restored = await api.events.patch({
      calendarId: "primary",
      eventId: "booking0001abc",
      requestBody: { status: "confirmed" },
    });
    expect(restored.data.status).toBe("confirmed");
  });

  it("validates event bodies and ids like the API", async () => {
    const { accessToken } = await connect("valid@example.com");
    const api = calendar(accessToken);
    const insert = (requestBody: calendar_v3.Schema$Event) =>
      apiError(api.events.insert({ calendarId: "primary", requestBody }));
    expect(await insert({ id: "UPPER_case", ...timed("2026-03-02T10:00:00Z") })).toMatchObject({
      status: 400,
      reason: "invalid",
    });
    expect(await insert({ start: { dateTime: "2026-03-02T10:00:00Z" } })).toMatchObject({
      status: 400,
      reason: "required",
    });
    expect(await insert({ ...timed("2026-03-02T10:00:00Z", -30) })).toMatchObject({
      status: 400,
      reason: "timeRangeEmpty",
    });
    expect(
      await insert({ start: { dateTime: "2026-03-02T10:00:00" }, end: { dateTime: "2026-03-02T11:00:00" } }),
    ).toMatchObject({ status: 400 });
    expect(await insert({ start: { date: "2026-03-02" }, end: { dateTime: "2026-03-02T11:00:00Z" } })).toMatchObject({
      status: 400,
    });
    const local = await api.events.insert({
      calendarId: "primary",
      requestBody: {
        start: { dateTime: "2026-07-02T10:00:00", timeZone: "Europe/Paris" },
        end: { dateTime: "2026-07-02T11:00:00", timeZone: "Europe/Paris" },
      },
    });
    expect(local.data.start).toEqual({ dateTime: "2026-07-02T08:00:00Z", timeZone: "Europe/Paris" });
    expect(local.data.id).toMatch(/^[a-v0-9]{26}$/);
    expect(await apiError(api.events.get({ calendarId: "primary", eventId: "nosuchevent" }))).toMatchObject({
      status: 404,
      reason: "notFound",
    });
    expect(await apiError(api.events.list({ calendarId: "someone-else@example.com" }))).toMatchObject({ status: 404 });
    // calendars.get and calendarList need a calendar (not an events-only) scope.
    expect(await apiError(api.calendars.get({ calendarId: "primary" }))).toMatchObject({
      status: 403,
      reason: "insufficientPermissions",
    });
    const parse = await fetch(`${fake().url}/calendar/v3/calendars/primary/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(parse.status).toBe(400);
    expect(((await parse.json()) as CaughtApiError["data"])?.error?.errors?.[0]?.reason).toBe("parseError");
  });

  it("filters by time window (timeMin on end, timeMax on start) and private extended property", async () => {
    const { accessToken } = await connect("window@example.com");
    const api = calendar(accessToken);
    const make = (id: string, start: string, extra: calendar_v3.Schema$Event = {}) =>
      fake().createEvent({ id, ...timed(start), ...extra } as never, undefined, "window@example.com");
    make("tmin1", "2026-03-02T08:00:00Z"); // ends 09:00, exactly at timeMin: out
    make("tmin2", "2026-03-02T08:30:00Z"); // ends 09:30: in
    make("tmin3", "2026-03-02T17:00:00Z"); // starts at timeMax: out
    make("tmin4", "2026-03-02T12:00:00Z", { extendedProperties: { private: { crmBookingId: "42" } } });
    fake().createEvent(
      { id: "tmin5", start: { date: "2026-03-02" }, end: { date: "2026-03-03" } },
      undefined,
      "window@example.com",
    );
    const { data } = await api.events.list({
      calendarId: "primary",
      timeMin: "2026-03-02T09:00:00Z",
      timeMax: "2026-03-02T17:00:00Z",
      singleEvents: true,
      orderBy: "startTime",
    });
    expect(data.items?.map((e) => e.id)).toEqual(["tmin5", "tmin2", "tmin4"]);
    const byProperty = await api.events.list({ calendarId: "primary", privateExtendedProperty: ["crmBookingId=42"] });
    expect(byProperty.data.items?.map((e) => e.id)).toEqual(["tmin4"]);
  });

  it("answers 401 after expireAccessTokens and 403 insufficientPermissions for read-only tokens", async () => {
    const { accessToken, tokens } = await connect("expired@example.com");
    fake().expireAccessTokens();
    const expired = await apiError(calendar(accessToken).events.list({ calendarId: "primary" }));
    expect(expired).toMatchObject({ status: 401, reason: "authError" });
    expect(expired.data?.error?.errors?.[0]?.location).toBe("Authorization");
    const refreshed = await oauthClient().refreshAccessToken(fake().tokenUrl, tokens.refreshToken(), []);
    expect((await calendar(refreshed.accessToken()).events.list({ calendarId: "primary" })).status).toBe(200);

    const readonly = await connect("readonly@example.com", {
      scopes: ["https://www.googleapis.com/auth/calendar.readonly"],
    });
    const api = calendar(readonly.accessToken);
    expect((await api.events.list({ calendarId: "primary" })).status).toBe(200);
    const denied = await apiError(
      api.events.insert({ calendarId: "primary", requestBody: timed("2026-03-02T10:00:00Z") }),
    );
    expect(denied).toMatchObject({ status: 403, reason: "insufficientPermissions" });
  });
});
