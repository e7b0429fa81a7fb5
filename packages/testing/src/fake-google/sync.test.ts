/** Sync: full syncs in pages, incremental syncs from sync tokens, 410 fullSyncRequired, forgotten tombstones. */
import type { calendar_v3 } from "googleapis";
import { describe, expect, it } from "vitest";
import { apiError, listAll, timed, useFakeGoogle } from "./clients.test-util";

const { clock, fake, connect, calendar } = useFakeGoogle();

describe("Calendar sync", () => {
  it("full-syncs 2,600 events in two pages, then syncs changes and deletions incrementally", async () => {
    const { accessToken } = await connect("bulk@example.com");
    const api = calendar(accessToken);
    for (let i = 0; i < 2600; i++) {
      fake().createEvent(
        {
          id: `bulk${String(i).padStart(5, "0")}`,
          summary: `Event ${i}`,
          ...timed(new Date(Date.parse("2026-03-02T08:00:00Z") + i * 3_600_000).toISOString()),
          extendedProperties: { private: { crmBookingId: `b${i}` } },
        },
        undefined,
        "bulk@example.com",
      );
    }
    const full = await listAll(api, { maxResults: 2500, singleEvents: true });
    expect(full.pages.map((p) => [p.items?.length, !!p.nextPageToken, !!p.nextSyncToken])).toEqual([
      [2500, true, false],
      [100, false, true],
    ]);
    expect(new Set(full.items.map((e) => e.id)).size).toBe(2600);
    expect(full.pages[0]).toMatchObject({ kind: "calendar#events", summary: "bulk@example.com", timeZone: "UTC" });

    clock.advance(1000);
    fake().updateEvent("bulk00007", { summary: "Moved in Google" }, undefined, "bulk@example.com");
    fake().deleteEvent("bulk00008", undefined, "bulk@example.com");
    await api.events.patch({ calendarId: "primary", eventId: "bulk00009", requestBody: { location: "Room 2" } });

    const incremental = await listAll(api, { maxResults: 2500, singleEvents: true, syncToken: full.syncToken });
    expect(incremental.items.map((e) => [e.id, e.status])).toEqual([
      ["bulk00007", "confirmed"],
      ["bulk00008", "cancelled"],
      ["bulk00009", "confirmed"],
    ]);
    const deletion = incremental.items[1];
    expect(deletion?.extendedProperties).toBeUndefined(); // only the id is guaranteed on a deletion
    expect(incremental.items[0]?.summary).toBe("Moved in Google");
    expect(incremental.syncToken).toBeDefined();
    const none = await listAll(api, { singleEvents: true, syncToken: incremental.syncToken });
    expect(none.items).toEqual([]);
  });

  it("keeps page tokens on their snapshot: nothing lost or duplicated across full + incremental sync", async () => {
    const { accessToken } = await connect("paging@example.com");
    const api = calendar(accessToken);
    for (let i = 0; i < 30; i++) {
      fake().createEvent(
        {
          id: `page${String(i).padStart(3, "0")}`,
          ...timed(`2026-03-${String(2 + (i % 20)).padStart(2, "0")}T10:00:00Z`),
        },
        undefined,
        "paging@example.com",
      );
    }
    const seen: calendar_v3.Schema$Event[] = [];
    const first = await api.events.list({ calendarId: "primary", maxResults: 10 });
    seen.push(...(first.data.items ?? []));
    // Changes between page requests: two inserts, an update of an event on a later page, a delete.
    await api.events.insert({
      calendarId: "primary",
      requestBody: { id: "pagenu01", ...timed("2026-03-05T12:00:00Z") },
    });
    fake().createEvent({ id: "pagenu02", ...timed("2026-03-06T12:00:00Z") }, undefined, "paging@example.com");
    fake().updateEvent("page025", { summary: "edited mid-sync" }, undefined, "paging@example.com");
    fake().deleteEvent("page015", undefined, "paging@example.com");
    let pageToken = first.data.nextPageToken ?? undefined;
    let syncToken: string | undefined;
    while (pageToken) {
      const { data } = await api.events.list({ calendarId: "primary", maxResults: 10, pageToken });
      seen.push(...(data.items ?? []));
      pageToken = data.nextPageToken ?? undefined;
      syncToken = data.nextSyncToken ?? undefined;
    }
    expect(seen.map((e) => e.id).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `page${String(i).padStart(3, "0")}`),
    );

    const incremental = await listAll(api, { syncToken });
    expect(incremental.items.map((e) => e.id).sort()).toEqual(["page015", "page025", "pagenu01", "pagenu02"]);

    // Applying full + incremental gives exactly the calendar's live events.
    const local = new Map<string, calendar_v3.Schema$Event>();
    for (const e of [...seen, ...incremental.items]) {
      if (e.status === "cancelled") local.delete(e.id ?? "");
      else local.set(e.id ?? "", e);
    }
    const live = fake()
      .events(undefined, "paging@example.com")
      .filter((e) => e.status !== "cancelled");
    expect([...local.keys()].sort()).toEqual(live.map((e) => e.id));
    expect(local.get("page025")?.summary).toBe("edited mid-sync");
  });

  it("answers 410 fullSyncRequired for expired or garbled sync tokens, and 400 for bad list parameters", async () => {
    const { accessToken } = await connect("sync410@example.com");
    const api = calendar(accessToken);
    const { syncToken } = await listAll(api, {});
    expect(syncToken).toBeDefined();
    fake().expireSyncTokens();
    for (const token of [syncToken, "garbled"]) {
      const gone = await apiError(api.events.list({ calendarId: "primary", syncToken: token }, { retry: false }));
      expect(gone.status).toBe(410);
      expect(gone.data?.error?.errors?.[0]).toMatchObject({ reason: "fullSyncRequired", location: "syncToken" });
    }
    const fresh = await listAll(api, {});
    const withWindow = await apiError(
      api.events.list({ calendarId: "primary", syncToken: fresh.syncToken, timeMin: "2026-01-01T00:00:00Z" }),
    );
    expect(withWindow.status).toBe(400);
    expect(await apiError(api.events.list({ calendarId: "primary", orderBy: "startTime" }))).toMatchObject({
      status: 400,
    });
    expect(
      await apiError(
        api.events.list({ calendarId: "primary", timeMin: "2026-03-02T00:00:00Z", timeMax: "2026-03-01T00:00:00Z" }),
      ),
    ).toMatchObject({ status: 400, reason: "timeRangeEmpty" });
    expect(await apiError(api.events.list({ calendarId: "primary", timeMin: "2026-03-02T00:00:00" }))).toMatchObject({
      status: 400,
    });
  });

  it("can forget deleted events with the sync tokens, as Google drops old tombstones (ids stay taken)", async () => {
    const { accessToken } = await connect("tombstones@example.com");
    const api = calendar(accessToken);
    const gone = await api.events.insert({
      calendarId: "primary",
      requestBody: { id: "gone01", ...timed("2026-03-03T10:00:00Z") },
    });
    await api.events.insert({ calendarId: "primary", requestBody: { id: "kept01", ...timed("2026-03-04T10:00:00Z") } });
    const series = await api.events.insert({
      calendarId: "primary",
      requestBody: {
        id: "series01",
        start: { dateTime: "2026-03-05T10:00:00Z", timeZone: "UTC" },
        end: { dateTime: "2026-03-05T11:00:00Z", timeZone: "UTC" },
        recurrence: ["RRULE:FREQ=DAILY;COUNT=3"],
      },
    });
    const instanceId = `${series.data.id}_20260306T100000Z`;
    await api.events.delete({ calendarId: "primary", eventId: gone.data.id! });
    await api.events.delete({ calendarId: "primary", eventId: instanceId });
    const before = await listAll(api, { showDeleted: true });
    expect(before.items.filter((e) => e.status === "cancelled").map((e) => e.id)).toEqual(["gone01", instanceId]);

    fake().expireSyncTokens({ forgetDeleted: true });
    expect((await apiError(api.events.list({ calendarId: "primary", syncToken: before.syncToken }))).status).toBe(410);
    const after = await listAll(api, { showDeleted: true, singleEvents: true });
    const live = after.items.filter((e) => e.status !== "cancelled").map((e) => e.id);
    expect(live.sort()).toEqual(["kept01", "series01_20260305T100000Z", "series01_20260307T100000Z"]);
    // The deleted instance stays listed as deleted: it belongs to its live series.
    expect(after.items.filter((e) => e.status === "cancelled").map((e) => e.id)).toEqual([instanceId]);
    expect((await apiError(api.events.get({ calendarId: "primary", eventId: "gone01" }))).status).toBe(404);
    // The deleted id is still taken.
    const again = await apiError(
      api.events.insert({ calendarId: "primary", requestBody: { id: "gone01", ...timed("2026-03-03T10:00:00Z") } }),
    );
    expect(again).toMatchObject({ status: 409, reason: "duplicate" });
  });
});
