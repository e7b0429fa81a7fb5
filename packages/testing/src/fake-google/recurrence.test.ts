/** Recurring series: instances, exceptions, DST, and how series changes show in incremental syncs. */
import { describe, expect, it } from "vitest";
import { apiError, listAll, timed, useFakeGoogle } from "./clients.test-util";

const { fake, connect, calendar } = useFakeGoogle();

describe("Recurring events", () => {
  it("expands recurring series into instances, with exceptions, DST and incremental changes", async () => {
    const { accessToken } = await connect("recur@example.com");
    const api = calendar(accessToken);
    const missingZone = await apiError(
      api.events.insert({
        calendarId: "primary",
        requestBody: { ...timed("2026-03-02T09:00:00Z"), recurrence: ["RRULE:FREQ=DAILY;COUNT=5"] },
      }),
    );
    expect(missingZone.status).toBe(400);

    const master = await api.events.insert({
      calendarId: "primary",
      requestBody: {
        id: "standup1",
        summary: "Daily standup",
        start: { dateTime: "2026-03-02T10:00:00+01:00", timeZone: "Europe/Berlin" },
        end: { dateTime: "2026-03-02T10:15:00+01:00", timeZone: "Europe/Berlin" },
        recurrence: ["RRULE:FREQ=DAILY;COUNT=5"],
      },
    });
    expect(master.data.recurrence).toEqual(["RRULE:FREQ=DAILY;COUNT=5"]);
    const first = await listAll(api, { singleEvents: true });
    expect(first.items.map((e) => e.id)).toEqual([
      "standup1_20260302T090000Z",
      "standup1_20260303T090000Z",
      "standup1_20260304T090000Z",
      "standup1_20260305T090000Z",
      "standup1_20260306T090000Z",
    ]);
    expect(first.items[1]).toMatchObject({
      recurringEventId: "standup1",
      originalStartTime: { dateTime: "2026-03-03T09:00:00Z", timeZone: "Europe/Berlin" },
      iCalUID: "standup1@google.com",
      summary: "Daily standup",
    });
    expect(first.items[0]?.recurrence).toBeUndefined();
    const masters = await api.events.list({ calendarId: "primary" });
    expect(masters.data.items?.map((e) => e.id)).toEqual(["standup1"]);

    // Edit one instance, delete another: they become exceptions.
    await api.events.patch({
      calendarId: "primary",
      eventId: "standup1_20260303T090000Z",
      requestBody: { summary: "Standup (moved)", ...timed("2026-03-03T13:00:00Z", 15) },
    });
    await api.events.delete({ calendarId: "primary", eventId: "standup1_20260304T090000Z" });
    const window = await api.events.list({
      calendarId: "primary",
      singleEvents: true,
      orderBy: "startTime",
      timeMin: "2026-03-03T00:00:00Z",
      timeMax: "2026-03-05T00:00:00Z",
    });
    expect(window.data.items?.map((e) => [e.id, e.summary, e.start?.dateTime])).toEqual([
      ["standup1_20260303T090000Z", "Standup (moved)", "2026-03-03T13:00:00Z"],
    ]);
    const withDeleted = await api.events.list({ calendarId: "primary", singleEvents: true, showDeleted: true });
    expect(withDeleted.data.items?.find((e) => e.id === "standup1_20260304T090000Z")?.status).toBe("cancelled");

    // A change to the series shows as its (non-exception) instances changed; shortening it cancels the rest.
    await api.events.patch({
      calendarId: "primary",
      eventId: "standup1",
      requestBody: { summary: "Team standup", recurrence: ["RRULE:FREQ=DAILY;COUNT=2"] },
    });
    const changes = await listAll(api, { singleEvents: true, syncToken: first.syncToken });
    expect(changes.items.map((e) => [e.id, e.status, e.summary]).sort()).toEqual([
      ["standup1_20260302T090000Z", "confirmed", "Team standup"],
      ["standup1_20260303T090000Z", "confirmed", "Standup (moved)"],
      ["standup1_20260304T090000Z", "cancelled", undefined],
      ["standup1_20260305T090000Z", "cancelled", undefined],
      ["standup1_20260306T090000Z", "cancelled", undefined],
    ]);

    // Weekly on two days across the US DST change (2026-03-08): the wall time stays 09:00 New York.
    await api.events.insert({
      calendarId: "primary",
      requestBody: {
        id: "series2",
        start: { dateTime: "2026-03-02T09:00:00", timeZone: "America/New_York" },
        end: { dateTime: "2026-03-02T10:00:00", timeZone: "America/New_York" },
        recurrence: [
          "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260312T000000Z",
          "EXDATE;TZID=America/New_York:20260304T090000",
        ],
      },
    });
    const weekly = await api.events.instances({ calendarId: "primary", eventId: "series2" });
    expect(weekly.data.items?.map((e) => e.start?.dateTime)).toEqual([
      "2026-03-02T14:00:00Z",
      "2026-03-09T13:00:00Z",
      "2026-03-11T13:00:00Z",
    ]);
  });

  it("expands monthly and yearly rules by RFC 5545 (month ends, nth weekdays, BYMONTHDAY in a yearly rule)", async () => {
    const { accessToken } = await connect("rules@example.com");
    const api = calendar(accessToken);
    const instanceStarts = async (id: string, recurrence: string, date: string) => {
      const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      fake().createEvent(
        { id, start: { date }, end: { date: next }, recurrence: [recurrence] },
        "primary",
        "rules@example.com",
      );
      const { data } = await api.events.instances({ calendarId: "primary", eventId: id });
      return data.items?.map((e) => e.start?.date);
    };
    // A month without the 31st has no occurrence; -1FR is the month's last Friday.
    expect(await instanceStarts("monthend1", "RRULE:FREQ=MONTHLY;COUNT=4", "2026-01-31")).toEqual([
      "2026-01-31",
      "2026-03-31",
      "2026-05-31",
      "2026-07-31",
    ]);
    expect(await instanceStarts("lastfri1", "RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", "2026-01-30")).toEqual([
      "2026-01-30",
      "2026-02-27",
      "2026-03-27",
    ]);
    expect(await instanceStarts("leap1", "RRULE:FREQ=YEARLY;COUNT=2", "2024-02-29")).toEqual([
      "2024-02-29",
      "2028-02-29",
    ]);
    // BYMONTHDAY expands a yearly rule to every month (RFC 5545 §3.3.10), not only the start's month.
    expect(await instanceStarts("firsts1", "RRULE:FREQ=YEARLY;BYMONTHDAY=1;COUNT=3", "2026-03-01")).toEqual([
      "2026-03-01",
      "2026-04-01",
      "2026-05-01",
    ]);
  });

  // A search with no bound (rrule's) blocks the fake() for many seconds here: the timeout catches that.
  it("answers at once for a rule that matches no day at all", { timeout: 15_000 }, async () => {
    const { accessToken } = await connect("never@example.com");
    const api = calendar(accessToken);
    fake().createEvent(
      {
        id: "never1",
        ...timed("2026-03-02T09:00:00Z"),
        start: { dateTime: "2026-03-02T09:00:00Z", timeZone: "UTC" },
        recurrence: ["RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3"],
      },
      "primary",
      "never@example.com",
    );
    const { data } = await api.events.instances({ calendarId: "primary", eventId: "never1" });
    expect(data.items).toEqual([]);
    const listed = await listAll(api, { singleEvents: true, timeMin: "2026-01-01T00:00:00Z" });
    expect(listed.items).toEqual([]);
  });
});
