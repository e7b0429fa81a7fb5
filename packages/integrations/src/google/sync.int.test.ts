import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  allJobs,
  type CalendarApi,
  type CalendarSyncDeps,
  calendarSyncJob,
  completeGoogleConnect,
  createBooking,
  deleteBooking,
  disconnectGoogle,
  handleGoogleNotification,
  type JobQueue,
  ManualClock,
  requestSyncNow,
  runCalendarSync,
  startGoogleConnect,
  syncMessages,
  transitionBooking,
  updateBooking,
} from "@crm/core";
import { uniqueEmail } from "@crm/core/testing";
import { schema } from "@crm/db";
import { type FakeGoogle, startFakeGoogle } from "@crm/testing/fake-google";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobRuntime, startJobRuntime } from "../jobs/pg-boss";
import {
  at,
  connect,
  connectedUser,
  liveBookings,
  liveEvents,
  quietLog,
  type SyncUser,
  status,
  sync,
  syncDeps,
  useSyncFixture,
} from "./harness.test-util";

const clock = new ManualClock("2026-03-02T09:00:00Z");
const fixture = useSyncFixture(clock);
const testDb = fixture.testDb;
const quiet = quietLog;
let fake: FakeGoogle;
let sendOnly: { queue: JobQueue };
beforeAll(() => {
  fake = fixture.fake();
  sendOnly = { queue: fixture.queue() };
});

const user = (options: Parameters<typeof connectedUser>[3] = {}) =>
  connectedUser(testDb(), fake, sendOnly.queue, { clock, ...options });

function book(u: SyncUser, title: string, startsAt: string, endsAt: string) {
  return createBooking(u, {
    clientId: u.clientId,
    title,
    startsAt: at(startsAt),
    endsAt: at(endsAt),
    status: "confirmed",
  });
}

describe("connecting", () => {
  it("stores the tokens encrypted, and a state works once, for its own user only", async () => {
    const u = await user();
    const [row] = await u.db
      .select()
      .from(schema.calendarConnections)
      .where(eq(schema.calendarConnections.userId, u.userId));
    expect(row?.status).toBe("connected");
    expect(row?.refreshTokenEnc).toMatch(/^v1\./);
    expect(row?.accessTokenEnc).not.toContain("ya29");
    expect((await status(u)).status).toBe("connected");

    const { url } = await startGoogleConnect(u, {});
    const back = await fake.approve(url);
    const other = await user();
    const stolen = await completeGoogleConnect(other, Object.fromEntries(back.searchParams));
    expect(stolen.ok).toBe(false);
    // The state was used up by the attempt above, whoever made it.
    const replay = await completeGoogleConnect(u, Object.fromEntries(back.searchParams));
    expect(replay).toMatchObject({ ok: false });
  });

  it("says so when the user declines at Google", async () => {
    const u = await user();
    const { url } = await startGoogleConnect(u, {});
    const back = await fake.deny(url);
    expect(await completeGoogleConnect(u, Object.fromEntries(back.searchParams))).toEqual({
      ok: false,
      message: "You declined access in Google, so nothing was connected.",
    });
  });
});

describe("CRM → Google", () => {
  it("pushes create, move, rename, cancel and delete", async () => {
    const u = await user();
    const a = await book(u, "Coaching", "2026-03-05T10:00:00Z", "2026-03-05T11:00:00Z");
    const b = await book(u, "Review", "2026-03-06T10:00:00Z", "2026-03-06T11:00:00Z");
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 2 });
    let events = liveEvents(fake, u);
    expect(events.map((e) => e.summary).sort()).toEqual(["Coaching", "Review"]);
    const eventA = events.find((e) => e.summary === "Coaching")!;
    expect(eventA.extendedProperties?.private?.crmBookingId).toBe(a.id);
    expect(new Date(eventA.start!.dateTime!).toISOString()).toBe("2026-03-05T10:00:00.000Z");
    expect(eventA.description).toContain("With Maya Lopez");

    clock.advance(60_000);
    const moved = await updateBooking(u, {
      id: a.id,
      version: a.version,
      title: "Coaching (moved)",
      startsAt: at("2026-03-05T14:00:00Z"),
      endsAt: at("2026-03-05T15:30:00Z"),
    });
    await transitionBooking(u, { id: b.id, version: b.version, to: "cancelled" });
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 2 });
    events = liveEvents(fake, u);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ summary: "Coaching (moved)", id: eventA.id });
    expect(new Date(events[0]!.end!.dateTime!).toISOString()).toBe("2026-03-05T15:30:00.000Z");

    await deleteBooking(u, moved.id);
    await sync(u);
    expect(liveEvents(fake, u)).toHaveLength(0);
    // Nothing echoes back as a new booking.
    await sync(u);
    expect(await liveBookings(u)).toHaveLength(1); // the cancelled one
  });

  it("queues the push in the booking's transaction, and a proposed booking goes out as tentative", async () => {
    const u = await user();
    const b = await createBooking(u, {
      clientId: u.clientId,
      title: "Intro call",
      startsAt: at("2026-03-07T10:00:00Z"),
      endsAt: at("2026-03-07T10:30:00Z"),
    });
    const [job] = await u.db.execute<{ id: string }>(
      sql`select id from pgboss.job where name = 'calendar.sync' and singleton_key = ${u.connectionId} and state = 'created'`,
    );
    expect(job).toBeDefined();
    await sync(u);
    expect(liveEvents(fake, u)[0]).toMatchObject({ status: "tentative", summary: "Intro call" });
    expect((await status(u)).pending).toBe(0);
    expect(b.inGoogle).toBe(false);
  });
});

describe("Google → CRM", () => {
  it("pulls create, move, rename and delete; our own events never come back as new bookings", async () => {
    const u = await user();
    await book(u, "Ours", "2026-03-09T08:00:00Z", "2026-03-09T09:00:00Z");
    await sync(u);
    const theirs = fake.createEvent(
      {
        summary: "Dentist",
        start: { dateTime: "2026-03-10T10:00:00+01:00" },
        end: { dateTime: "2026-03-10T11:00:00+01:00" },
      },
      "primary",
      u.account,
    );
    expect(await sync(u)).toMatchObject({ outcome: "synced", pulled: 1, pushed: 0 });
    let rows = await liveBookings(u);
    expect(rows).toHaveLength(2);
    const busy = rows.find((r) => r.googleEventId === theirs.id)!;
    expect(busy).toMatchObject({ title: "Dentist", clientId: null, source: "google", status: "confirmed" });
    expect(busy.startsAt.toISOString()).toBe("2026-03-10T09:00:00.000Z");

    clock.advance(60_000);
    fake.updateEvent(
      theirs.id,
      {
        summary: "Dentist (moved)",
        start: { dateTime: "2026-03-10T15:00:00Z" },
        end: { dateTime: "2026-03-10T16:00:00Z" },
      },
      "primary",
      u.account,
    );
    await sync(u);
    rows = await liveBookings(u);
    const moved = rows.find((r) => r.id === busy.id)!;
    expect(moved).toMatchObject({ title: "Dentist (moved)" });
    expect(moved.startsAt.toISOString()).toBe("2026-03-10T15:00:00.000Z");

    fake.deleteEvent(theirs.id, "primary", u.account);
    await sync(u);
    expect((await liveBookings(u)).find((r) => r.id === busy.id)?.status).toBe("cancelled");
    expect(await liveBookings(u)).toHaveLength(2);
  });

  it("imports all-day events and events written in other zones at the right instant", async () => {
    const u = await user({ timeZone: "America/New_York" });
    const allDay = fake.createEvent(
      { summary: "Conference", start: { date: "2026-03-12" }, end: { date: "2026-03-14" } },
      "primary",
      u.account,
    );
    const tokyo = fake.createEvent(
      {
        summary: "Call with Tokyo",
        start: { dateTime: "2026-03-16T09:00:00", timeZone: "Asia/Tokyo" },
        end: { dateTime: "2026-03-16T10:00:00", timeZone: "Asia/Tokyo" },
      },
      "primary",
      u.account,
    );
    await sync(u);
    const rows = await liveBookings(u);
    const conference = rows.find((r) => r.googleEventId === allDay.id)!;
    expect(conference.allDay).toBe(true);
    expect(conference.startsAt.toISOString()).toBe("2026-03-12T04:00:00.000Z"); // midnight in New York (EDT)
    expect(conference.endsAt.toISOString()).toBe("2026-03-14T04:00:00.000Z");
    const call = rows.find((r) => r.googleEventId === tokyo.id);
    expect(call?.startsAt.toISOString()).toBe("2026-03-16T00:00:00.000Z");
  });

  it("free events (shown as Free, working locations, birthdays) hold no time; busy ones and ours do", async () => {
    const u = await user();
    const office = fake.createEvent(
      { summary: "Office", start: { date: "2026-03-18" }, end: { date: "2026-03-19" }, eventType: "workingLocation" },
      "primary",
      u.account,
    );
    fake.createEvent(
      { summary: "Ada's birthday", start: { date: "2026-03-18" }, end: { date: "2026-03-19" }, eventType: "birthday" },
      "primary",
      u.account,
    );
    fake.createEvent(
      {
        summary: "Maybe lunch",
        start: { dateTime: "2026-03-18T12:00:00Z" },
        end: { dateTime: "2026-03-18T13:00:00Z" },
        transparency: "transparent",
      },
      "primary",
      u.account,
    );
    const away = fake.createEvent(
      {
        summary: "Away",
        start: { dateTime: "2026-03-19T09:00:00Z" },
        end: { dateTime: "2026-03-19T17:00:00Z" },
        eventType: "outOfOffice",
      },
      "primary",
      u.account,
    );
    const gym = fake.createEvent(
      { summary: "Gym", start: { dateTime: "2026-03-18T07:00:00Z" }, end: { dateTime: "2026-03-18T08:00:00Z" } },
      "primary",
      u.account,
    );
    const ours = await book(u, "Coaching", "2026-03-18T10:00:00Z", "2026-03-18T11:00:00Z");
    await sync(u);
    expect((await liveBookings(u)).map((b) => b.title).sort()).toEqual(["Away", "Coaching", "Gym"]);
    // The free day and the free lunch do not stand in the way of a booking here.
    await book(u, "Lunch session", "2026-03-18T12:00:00Z", "2026-03-18T13:00:00Z");
    await expect(book(u, "During out of office", "2026-03-19T10:00:00Z", "2026-03-19T11:00:00Z")).rejects.toThrow();

    // A busy block marked Free in Google goes; our own booking marked Free there stays a booking.
    clock.advance(60_000);
    fake.updateEvent(gym.id, { transparency: "transparent" }, "primary", u.account);
    const ourEventId = (await liveBookings(u)).find((b) => b.id === ours.id)!.googleEventId!;
    fake.updateEvent(ourEventId, { transparency: "transparent" }, "primary", u.account);
    expect(await sync(u)).toMatchObject({ outcome: "synced", pulled: 2 });
    const rows = await liveBookings(u);
    expect(rows.map((b) => b.title).sort()).toEqual(["Away", "Coaching", "Lunch session"]);
    expect(rows.find((b) => b.id === ours.id)?.status).toBe("confirmed");
    const freed = await u.db
      .select()
      .from(schema.activityLogs)
      .where(and(eq(schema.activityLogs.userId, u.userId), eq(schema.activityLogs.action, "freed_in_google")));
    expect(freed).toHaveLength(1);
    // Busy again: it comes back as a busy block.
    clock.advance(60_000);
    fake.updateEvent(gym.id, { transparency: "opaque" }, "primary", u.account);
    await sync(u);
    expect((await liveBookings(u)).find((b) => b.googleEventId === gym.id)?.title).toBe("Gym");
    expect(office.eventType).toBe("workingLocation");
    expect(away.eventType).toBe("outOfOffice");
  });

  it("expands recurring events inside the window", async () => {
    const u = await user();
    fake.createEvent(
      {
        summary: "Weekly group",
        start: { dateTime: "2026-03-03T17:00:00+01:00", timeZone: "Europe/Berlin" },
        end: { dateTime: "2026-03-03T18:00:00+01:00", timeZone: "Europe/Berlin" },
        recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4"],
      },
      "primary",
      u.account,
    );
    await sync(u);
    const rows = (await liveBookings(u)).filter((r) => r.title === "Weekly group");
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.googleEventId)).size).toBe(4);
  });

  it("first full sync of 2,500 events comes in pages with no duplicates; 410 recovers with none either", async () => {
    const u = await user();
    const start = Date.parse("2026-03-03T00:00:00Z");
    for (let i = 0; i < 2_600; i++) {
      const s = new Date(start + i * 3600_000);
      fake.createEvent(
        {
          summary: `Event ${i}`,
          start: { dateTime: s.toISOString() },
          end: { dateTime: new Date(s.getTime() + 1800_000).toISOString() },
        },
        "primary",
        u.account,
      );
    }
    fake.resetCounters();
    const first = await sync(u);
    expect(first).toMatchObject({ outcome: "synced", pulled: 2_600, fullSync: true });
    const lists = fake.requests.filter((r) => r.method === "GET" && r.path.endsWith("/events"));
    expect(lists.length).toBeGreaterThanOrEqual(2); // paged
    expect(await liveBookings(u)).toHaveLength(2_600);

    expect(await sync(u)).toMatchObject({ outcome: "synced", pulled: 0, fullSync: false });

    fake.expireSyncTokens();
    const changed = fake.events("primary", u.account)[5]!;
    clock.advance(60_000);
    fake.updateEvent(changed.id, { summary: "Renamed while the token expired" }, "primary", u.account);
    const recovered = await sync(u);
    expect(recovered).toMatchObject({ outcome: "synced", fullSync: true });
    const rows = await liveBookings(u);
    expect(rows).toHaveLength(2_600);
    expect(new Set(rows.map((r) => r.googleEventId)).size).toBe(2_600);
    expect(rows.find((r) => r.googleEventId === changed.id)?.title).toBe("Renamed while the token expired");
  }, 120_000);

  it("a full sync after 410 cancels bookings whose events vanished from Google meanwhile (tombstones dropped)", async () => {
    const u = await user();
    const ours = await book(u, "Ours, deleted there", "2026-03-13T10:00:00Z", "2026-03-13T11:00:00Z");
    const stays = await book(u, "Ours, still there", "2026-03-13T12:00:00Z", "2026-03-13T13:00:00Z");
    const theirs = fake.createEvent(
      { summary: "Dentist", start: { dateTime: "2026-03-14T10:00:00Z" }, end: { dateTime: "2026-03-14T11:00:00Z" } },
      "primary",
      u.account,
    );
    await sync(u);
    const linked = await liveBookings(u);
    const ourEventId = linked.find((b) => b.id === ours.id)!.googleEventId!;
    const busy = linked.find((b) => b.googleEventId === theirs.id)!;

    clock.advance(60_000);
    fake.deleteEvent(ourEventId, "primary", u.account);
    fake.deleteEvent(theirs.id, "primary", u.account);
    // Google drops the tombstones and with them the token: the full listing does not mention the two.
    fake.expireSyncTokens({ forgetDeleted: true });
    expect(await sync(u)).toMatchObject({ outcome: "synced", fullSync: true, pulled: 2 });
    const rows = await liveBookings(u);
    expect(rows.find((b) => b.id === ours.id)?.status).toBe("cancelled");
    expect(rows.find((b) => b.id === busy.id)?.status).toBe("cancelled");
    expect(rows.find((b) => b.id === stays.id)?.status).toBe("confirmed");
    const log = await u.db
      .select()
      .from(schema.activityLogs)
      .where(and(eq(schema.activityLogs.userId, u.userId), eq(schema.activityLogs.action, "cancelled_in_google")));
    expect(log.map((l) => l.entityId).sort()).toEqual([ours.id, busy.id].sort());
    // Nothing is pushed back or re-created, and the next run has nothing to do.
    expect(liveEvents(fake, u).map((e) => e.summary)).toEqual(["Ours, still there"]);
    expect(await sync(u)).toMatchObject({ outcome: "synced", pulled: 0, pushed: 0, fullSync: false });
  });

  it("a full listing of another account or calendar after a reconnect cancels nothing linked to the old one", async () => {
    const u = await user();
    const ours = await book(u, "Ours", "2026-03-15T10:00:00Z", "2026-03-15T11:00:00Z");
    fake.createEvent(
      { summary: "Theirs", start: { dateTime: "2026-03-15T12:00:00Z" }, end: { dateTime: "2026-03-15T13:00:00Z" } },
      "primary",
      u.account,
    );
    await sync(u);
    // Google refuses the refresh token; the user reconnects, signed in as another account ("primary").
    fake.revokeAccess(u.account);
    expect(await sync(u)).toEqual({ outcome: "disconnected" });
    await connect(u, fake, uniqueEmail("other-account"));
    expect(await sync(u)).toMatchObject({ outcome: "synced", fullSync: true });
    const titles = async () => (await liveBookings(u)).map((b) => `${b.title}: ${b.status}`).sort();
    expect(await titles()).toEqual(["Ours: confirmed", "Theirs: confirmed"]);

    // Then to another calendar of that account.
    const calendarId = "team@group.calendar.google.com";
    fake.createEvent(
      { summary: "Team", start: { dateTime: "2026-03-16T12:00:00Z" }, end: { dateTime: "2026-03-16T13:00:00Z" } },
      calendarId,
      fake.signedInAs,
    );
    const { url } = await startGoogleConnect(u, { calendarId });
    expect((await completeGoogleConnect(u, Object.fromEntries((await fake.approve(url)).searchParams))).ok).toBe(true);
    expect(await sync(u)).toMatchObject({ outcome: "synced", fullSync: true });
    expect(await titles()).toEqual(["Ours: confirmed", "Team: confirmed", "Theirs: confirmed"]);
    expect((await liveBookings(u)).find((b) => b.id === ours.id)?.status).toBe("confirmed");
  });
});

describe("the sync window", () => {
  const DAY = 24 * 3600_000;

  it("moves forward: once a week a full listing re-anchors it, so a series keeps coming a year ahead, with no duplicates", async () => {
    // Its own clock and fake: the window moves by days here, which the other tests must not see.
    const windowClock = new ManualClock("2026-03-02T09:00:00Z");
    const windowFake = await startFakeGoogle({ clock: windowClock });
    try {
      const u = await connectedUser(testDb(), windowFake, sendOnly.queue, { clock: windowClock });
      const series = windowFake.createEvent(
        {
          summary: "Weekly supervision",
          start: { dateTime: "2026-03-04T16:00:00+01:00", timeZone: "Europe/Berlin" },
          end: { dateTime: "2026-03-04T17:00:00+01:00", timeZone: "Europe/Berlin" },
          recurrence: ["RRULE:FREQ=WEEKLY"],
        },
        "primary",
        u.account,
      );
      await book(u, "Ours", "2026-03-05T10:00:00Z", "2026-03-05T11:00:00Z");
      const weekly = async () => (await liveBookings(u)).filter((b) => b.googleEventId?.startsWith(`${series.id}_`));
      const horizon = () => windowClock.now().getTime() + 365 * DAY;

      expect(await sync(u)).toMatchObject({ outcome: "synced", fullSync: true });
      const first = await weekly();
      expect(first.at(-1)!.startsAt.getTime()).toBeGreaterThan(horizon() - 7 * DAY);

      windowClock.advance(DAY);
      expect(await sync(u)).toMatchObject({ outcome: "synced", fullSync: false, pulled: 0 });

      windowClock.advance(8 * DAY);
      expect(await sync(u)).toMatchObject({ outcome: "synced", fullSync: true });
      const later = await weekly();
      expect(later.length).toBeGreaterThan(first.length);
      expect(later.at(-1)!.startsAt.getTime()).toBeGreaterThan(horizon() - 7 * DAY);
      expect(new Set(later.map((b) => b.googleEventId)).size).toBe(later.length);
      expect((await liveBookings(u)).filter((b) => b.title === "Ours")).toHaveLength(1);
      expect(windowFake.events("primary", u.account).filter((e) => e.summary === "Ours")).toHaveLength(1);
      const [connection] = await u.db
        .select()
        .from(schema.calendarConnections)
        .where(eq(schema.calendarConnections.id, u.connectionId));
      expect(connection?.fullSyncedAt?.toISOString()).toBe(windowClock.now().toISOString());

      windowClock.advance(DAY);
      expect(await sync(u)).toMatchObject({ outcome: "synced", fullSync: false, pulled: 0 });
    } finally {
      await windowFake.close();
    }
  });
});

describe("events made in Google", () => {
  it("linking and editing one sends only what the CRM owns: its description and other fields stay", async () => {
    const u = await user();
    const theirs = fake.createEvent(
      {
        summary: "Workshop at the studio",
        description: "Door code 4711. Bring mats.",
        location: "Studio 3",
        colorId: "5",
        attendees: [{ email: "friend@example.com" }],
        extendedProperties: { private: { otherApp: "keep-me" } },
        start: { dateTime: "2026-03-11T09:00:00", timeZone: "America/New_York" },
        end: { dateTime: "2026-03-11T10:00:00", timeZone: "America/New_York" },
      },
      "primary",
      u.account,
    );
    await sync(u);
    const busy = (await liveBookings(u)).find((r) => r.googleEventId === theirs.id)!;
    expect(busy).toMatchObject({ clientId: null, source: "google", location: "Studio 3" });

    // Linked to a client and renamed here: Google gets the new title and the link, nothing else changes.
    clock.advance(60_000);
    await updateBooking(u, { id: busy.id, version: busy.version, clientId: u.clientId, title: "Workshop with Maya" });
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 1 });
    const [after] = liveEvents(fake, u).filter((e) => e.id === theirs.id);
    expect(after).toMatchObject({
      summary: "Workshop with Maya",
      description: "Door code 4711. Bring mats.",
      location: "Studio 3",
      colorId: "5",
      attendees: [{ email: "friend@example.com" }],
      start: { timeZone: "America/New_York" },
      extendedProperties: { private: { otherApp: "keep-me", crmBookingId: busy.id } },
    });
    expect(new Date(after!.start!.dateTime!).toISOString()).toBe("2026-03-11T13:00:00.000Z");

    // Rescheduled here: the instant moves, the event keeps its own zone and its description.
    const [linked] = await u.db.select().from(schema.bookings).where(eq(schema.bookings.id, busy.id));
    clock.advance(60_000);
    await updateBooking(u, {
      id: busy.id,
      version: linked!.version,
      startsAt: at("2026-03-11T15:00:00Z"),
      endsAt: at("2026-03-11T16:00:00Z"),
    });
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 1 });
    const [moved] = liveEvents(fake, u).filter((e) => e.id === theirs.id);
    expect(new Date(moved!.start!.dateTime!).toISOString()).toBe("2026-03-11T15:00:00.000Z");
    expect(moved).toMatchObject({
      description: "Door code 4711. Bring mats.",
      location: "Studio 3",
      start: { timeZone: "America/New_York" },
    });
  });

  it("an event made here still carries its client and notes in the description", async () => {
    const u = await user();
    const b = await createBooking(u, {
      clientId: u.clientId,
      title: "Coaching",
      startsAt: at("2026-03-12T10:00:00Z"),
      endsAt: at("2026-03-12T11:00:00Z"),
      notes: "Bring the plan",
      status: "confirmed",
    });
    await sync(u);
    expect(liveEvents(fake, u)[0]?.description).toBe("With Maya Lopez\n\nBring the plan");
    clock.advance(60_000);
    await updateBooking(u, { id: b.id, version: b.version, notes: null });
    await sync(u);
    expect(liveEvents(fake, u)[0]?.description).toBe("With Maya Lopez");
  });
});

describe("conflicts", () => {
  it("last write wins: a later edit in Google beats an earlier one here, with a notice", async () => {
    const u = await user();
    const b = await book(u, "Session", "2026-03-20T10:00:00Z", "2026-03-20T11:00:00Z");
    await sync(u);
    const eventId = liveEvents(fake, u)[0]!.id;
    clock.advance(60_000);
    await updateBooking(u, { id: b.id, version: b.version, title: "Edited here" });
    clock.advance(60_000);
    fake.updateEvent(eventId, { summary: "Edited in Google" }, "primary", u.account);
    await sync(u);
    const [row] = await liveBookings(u);
    expect(row).toMatchObject({
      title: "Edited in Google",
      syncNotice: "Changed in Google Calendar after your edit: kept Google's version",
    });
    expect(liveEvents(fake, u)[0]?.summary).toBe("Edited in Google");
    expect((await status(u)).notices).toHaveLength(1);
  });

  it("last write wins: a later edit here beats an earlier one in Google, and Google gets ours", async () => {
    const u = await user();
    const b = await book(u, "Session", "2026-03-20T10:00:00Z", "2026-03-20T11:00:00Z");
    await sync(u);
    const eventId = liveEvents(fake, u)[0]!.id;
    clock.advance(60_000);
    fake.updateEvent(eventId, { summary: "Edited in Google" }, "primary", u.account);
    clock.advance(60_000);
    await updateBooking(u, { id: b.id, version: b.version, title: "Edited here, later" });
    await sync(u);
    expect((await liveBookings(u))[0]?.title).toBe("Edited here, later");
    expect(liveEvents(fake, u)[0]?.summary).toBe("Edited here, later");
  });

  it("last write wins when Google changes the event between our pull and our push (412): ours, newer, stays", async () => {
    const u = await user();
    const b = await book(u, "Session", "2026-03-20T14:00:00Z", "2026-03-20T15:00:00Z");
    await sync(u);
    const eventId = liveEvents(fake, u)[0]!.id;
    clock.advance(60_000);
    const googleEditAt = clock.now();
    clock.advance(60_000);
    await updateBooking(u, { id: b.id, version: b.version, title: "Edited here, later" });
    const afterEdit = clock.now();
    // The push's PATCH waits at Google; meanwhile a change from another device (made earlier) lands.
    fake.fail({ kind: "slow", slowMs: 400, match: /^PATCH /, times: 1 });
    const running = sync(u);
    await waitFor(async () => fake.queuedFaults === 0);
    clock.set(googleEditAt);
    fake.updateEvent(eventId, { summary: "Edited in Google, earlier" }, "primary", u.account);
    clock.set(afterEdit);
    expect(await running).toMatchObject({ outcome: "synced", pushed: 1 });
    expect(fake.requests.some((r) => r.method === "PATCH" && r.status === 412)).toBe(true);

    const [row] = await liveBookings(u);
    expect(row?.title).toBe("Edited here, later");
    expect(row?.syncNotice).toBe(syncMessages.keptCrm);
    expect(liveEvents(fake, u)[0]?.summary).toBe("Edited here, later");
    const log = await u.db
      .select()
      .from(schema.activityLogs)
      .where(and(eq(schema.activityLogs.entityId, b.id), eq(schema.activityLogs.action, "sync_conflict_kept_crm")));
    expect(log).toHaveLength(1);
    // Settled: the next run has nothing to do.
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 0 });
  });

  it("an event moved in Google onto a taken slot is kept and flagged, never dropped", async () => {
    const u = await user();
    const held = await book(u, "Held here", "2026-03-21T10:00:00Z", "2026-03-21T11:00:00Z");
    const theirs = fake.createEvent(
      {
        summary: "Moved there",
        start: { dateTime: "2026-03-21T14:00:00Z" },
        end: { dateTime: "2026-03-21T15:00:00Z" },
      },
      "primary",
      u.account,
    );
    await sync(u);
    clock.advance(60_000);
    fake.updateEvent(
      theirs.id,
      { start: { dateTime: "2026-03-21T10:30:00Z" }, end: { dateTime: "2026-03-21T11:30:00Z" } },
      "primary",
      u.account,
    );
    await sync(u);
    const flagged = (await liveBookings(u)).find((r) => r.googleEventId === theirs.id)!;
    expect(flagged.startsAt.toISOString()).toBe("2026-03-21T10:30:00.000Z");
    expect(flagged.syncConflict).toContain('Overlaps "Held here"');
    expect((await status(u)).conflicts).toHaveLength(1);

    // The user cancels the booking in the way: the flag clears on the next sync.
    await transitionBooking(u, { id: held.id, version: held.version, to: "cancelled" });
    await sync(u);
    expect((await liveBookings(u)).find((r) => r.id === flagged.id)?.syncConflict).toBeNull();
  });
});

describe("when things go wrong", () => {
  it("refreshes the access token before it expires, and after a 401", async () => {
    const u = await user();
    await book(u, "A", "2026-03-22T10:00:00Z", "2026-03-22T11:00:00Z");
    fake.resetCounters();
    clock.advance(58 * 60_000); // within 5 minutes of the hour's expiry
    await sync(u);
    expect(fake.requests.filter((r) => r.path === "/token")).toHaveLength(1);
    expect(liveEvents(fake, u)).toHaveLength(1);

    fake.resetCounters();
    fake.expireAccessTokens();
    await book(u, "B", "2026-03-23T10:00:00Z", "2026-03-23T11:00:00Z");
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 1 });
    expect(fake.requests.filter((r) => r.status === 401)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path === "/token")).toHaveLength(1);
  });

  it("invalid_grant disconnects; edits queue up; a reconnect drains them", async () => {
    const u = await user();
    await book(u, "Before", "2026-03-24T10:00:00Z", "2026-03-24T11:00:00Z");
    await sync(u);
    fake.revokeAccess(u.account);
    await book(u, "While disconnected", "2026-03-25T10:00:00Z", "2026-03-25T11:00:00Z");
    expect(await sync(u)).toEqual({ outcome: "disconnected" });
    const down = await status(u);
    expect(down).toMatchObject({ status: "disconnected", pending: 1 });
    expect(down.lastError).toContain("Reconnect");
    await book(u, "Also while disconnected", "2026-03-26T10:00:00Z", "2026-03-26T11:00:00Z");
    expect(await sync(u)).toEqual({ outcome: "disconnected" });
    expect(liveEvents(fake, u)).toHaveLength(1);

    await connect(u, fake, u.account);
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 2 });
    expect(
      liveEvents(fake, u)
        .map((e) => e.summary)
        .sort(),
    ).toEqual(["Also while disconnected", "Before", "While disconnected"]);
    expect((await status(u)).status).toBe("connected");
  });

  it("429 and rate-limit storms back off and get through with nothing lost", async () => {
    const u = await user();
    for (let i = 0; i < 5; i++) await book(u, `S${i}`, `2026-03-2${i}T07:00:00Z`, `2026-03-2${i}T08:00:00Z`);
    fake.fail({ kind: "429", times: 3 });
    fake.fail({ kind: "403-rate", times: 2 });
    fake.fail({ kind: "403-user-rate", times: 1 });
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 5 });
    expect(liveEvents(fake, u)).toHaveLength(5);
  });

  it("5xx beyond the in-run retries fails the run (for the job queue to retry) and nothing is lost", async () => {
    const u = await user();
    await book(u, "Later", "2026-03-27T10:00:00Z", "2026-03-27T11:00:00Z");
    fake.fail({ kind: "500", times: 10 });
    await expect(sync(u)).rejects.toMatchObject({ kind: "unavailable" });
    expect(await status(u)).toMatchObject({
      status: "error",
      lastError: "Google Calendar did not answer; sync will retry.",
    });
    fake.resetCounters();
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 1 });
    expect((await status(u)).status).toBe("connected");
  });

  it("pauses when the quota is used up and resumes by itself the next minute", async () => {
    const u = await user({ deps: { quotaPerMinute: 2 } });
    clock.set(new Date(Math.ceil(clock.now().getTime() / 60_000) * 60_000 + 60_000)); // a fresh minute
    for (let i = 0; i < 3; i++) await book(u, `Q${i}`, `2026-04-0${i + 1}T10:00:00Z`, `2026-04-0${i + 1}T11:00:00Z`);
    const paused = await sync(u);
    expect(paused.outcome).toBe("paused");
    expect((await status(u)).status).toBe("paused");
    expect(await sync(u)).toMatchObject({ outcome: "paused" });
    let outcome = paused;
    for (let minute = 0; minute < 6 && outcome.outcome !== "synced"; minute++) {
      clock.advance(60_000);
      outcome = await sync(u);
    }
    expect(outcome.outcome).toBe("synced");
    expect(liveEvents(fake, u)).toHaveLength(3);
  });

  it("Sync now while paused starts at once, even with a sync already waiting for the pause to end", async () => {
    const u = await user();
    const jobsOf = async () => [
      ...(await u.db.execute<{ id: string; state: string; due_now: boolean }>(
        sql`select id, state, start_after <= now() as due_now from pgboss.job
               where name = ${calendarSyncJob.name} and singleton_key = ${u.connectionId}`,
      )),
    ];
    await u.db
      .update(schema.calendarConnections)
      .set({ status: "paused", pausedUntil: new Date(Date.now() + 3600_000) })
      .where(eq(schema.calendarConnections.id, u.connectionId));
    // As after a run that hit the quota: the only waiting sync is the one for when the pause ends.
    await sendOnly.queue.cancelWaiting(u.db, calendarSyncJob.name, u.connectionId);
    const delayed = await sendOnly.queue.send(
      u.db,
      calendarSyncJob,
      { userId: u.userId, connectionId: u.connectionId },
      { singletonKey: u.connectionId, startAfter: new Date(Date.now() + 3600_000) },
    );
    expect(delayed).not.toBeNull();
    // The stately queue holds one waiting job per connection: a plain send is kept out.
    expect(
      await sendOnly.queue.send(
        u.db,
        calendarSyncJob,
        { userId: u.userId, connectionId: u.connectionId },
        { singletonKey: u.connectionId },
      ),
    ).toBeNull();

    expect(await requestSyncNow(u)).toEqual({ queued: true });
    const rows = await jobsOf();
    expect(rows.find((r) => r.id === delayed)?.state).toBe("cancelled");
    expect(rows.filter((r) => r.state === "created")).toEqual([expect.objectContaining({ due_now: true })]);
    expect((await status(u)).status).toBe("connected");
  });

  it("Sync now refuses a disconnected connection with a reason", async () => {
    const u = await user();
    await u.db
      .update(schema.calendarConnections)
      .set({ status: "disconnected" })
      .where(eq(schema.calendarConnections.id, u.connectionId));
    await expect(requestSyncNow(u)).rejects.toThrow(/Reconnect Google Calendar first/);
  });

  it("two syncs of one connection never run at once", async () => {
    const u = await user();
    for (let i = 0; i < 3; i++) await book(u, `P${i}`, `2026-04-1${i}T10:00:00Z`, `2026-04-1${i}T11:00:00Z`);
    fake.fail({ kind: "slow", slowMs: 300, times: 1 });
    const outcomes = await Promise.all([sync(u), sync(u), runCalendarSync(u, u.connectionId)]);
    expect(outcomes.filter((o) => o.outcome === "synced")).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === "busy")).toHaveLength(2);
    expect(liveEvents(fake, u)).toHaveLength(3);
  });

  it("two workers given many sync jobs for one connection never sync it at the same time", async () => {
    const inFlight = { now: 0, max: 0, calls: 0 };
    const base = syncDeps(fake);
    // Counts Calendar calls in flight for this connection, across both workers.
    const watched = {
      ...base,
      provider: {
        ...base.provider,
        authorizationUrl: base.provider.authorizationUrl.bind(base.provider),
        exchangeCode: base.provider.exchangeCode.bind(base.provider),
        refresh: base.provider.refresh.bind(base.provider),
        revoke: base.provider.revoke.bind(base.provider),
        api(token: string) {
          const api = base.provider.api(token);
          return Object.fromEntries(
            Object.entries(api).map(([name, method]) => [
              name,
              async (...args: unknown[]) => {
                inFlight.now += 1;
                inFlight.calls += 1;
                inFlight.max = Math.max(inFlight.max, inFlight.now);
                try {
                  return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
                } finally {
                  inFlight.now -= 1;
                }
              },
            ]),
          ) as unknown as ReturnType<typeof base.provider.api>;
        },
      },
    };
    const u = await user();
    for (let i = 0; i < 4; i++) await book(u, `W${i}`, `2026-04-2${i}T10:00:00Z`, `2026-04-2${i}T11:00:00Z`);
    // Earlier tests left syncs of other connections queued: only this connection's may run here.
    await u.db.execute(
      sql`delete from pgboss.job where name = ${calendarSyncJob.name} and data->>'connectionId' <> ${u.connectionId}`,
    );
    const workers = await Promise.all(
      [1, 2].map(() =>
        startJobRuntime({
          connectionString: testDb().url,
          definitions: allJobs,
          work: true,
          context: () => ({ db: testDb().db, clock, calendar: watched }),
          log: quiet,
        }),
      ),
    );
    try {
      fake.fail({ kind: "slow", slowMs: 150, times: 20 });
      // Straight into the queue under distinct singleton keys (past the per-connection one): only
      // the lease on the connection keeps the runs apart.
      const ids = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          workers[0]!.boss.send(
            calendarSyncJob.name,
            { userId: u.userId, connectionId: u.connectionId },
            { singletonKey: `${u.connectionId}:${i}` },
          ),
        ),
      );
      expect(ids.every(Boolean)).toBe(true);
      await waitFor(async () => {
        const jobs = await Promise.all(ids.map((id) => workers[0]!.boss.getJobById(calendarSyncJob.name, id!)));
        const done = jobs.every((job) => job?.state === "completed");
        const now = await status(u);
        return done && now.pending === 0 && now.status === "connected";
      }, 25_000);
      expect(inFlight.calls).toBeGreaterThan(0);
      expect(inFlight.max).toBe(1);
      expect(liveEvents(fake, u)).toHaveLength(4);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  }, 40_000);

  it("disconnect revokes at Google and forgets the tokens; bookings stay", async () => {
    const u = await user();
    await book(u, "Stays", "2026-04-20T10:00:00Z", "2026-04-20T11:00:00Z");
    fake.createEvent(
      { summary: "Mirror", start: { dateTime: "2026-04-21T10:00:00Z" }, end: { dateTime: "2026-04-21T11:00:00Z" } },
      "primary",
      u.account,
    );
    await sync(u);
    expect(await disconnectGoogle(u)).toEqual({ disconnected: true });
    expect((await status(u)).status).toBe("not_connected");
    expect((await liveBookings(u)).map((b) => b.title)).toEqual(["Stays"]);
    expect(fake.requests.some((r) => r.path === "/revoke" && r.status === 200)).toBe(true);
    // Reconnecting to the same calendar links the existing event instead of duplicating it.
    await connect(u, fake, u.account);
    const [connection] = await u.db
      .select()
      .from(schema.calendarConnections)
      .where(eq(schema.calendarConnections.userId, u.userId));
    await runCalendarSync(u, connection!.id);
    expect(
      liveEvents(fake, u)
        .map((e) => e.summary)
        .sort(),
    ).toEqual(["Mirror", "Stays"]);
    expect((await liveBookings(u)).map((b) => b.title).sort()).toEqual(["Mirror", "Stays"]);
  });
  it("disconnect keeps a conflict flag (the overlap is still there) and revokes only after forgetting", async () => {
    const u = await user();
    await book(u, "Held here", "2026-04-22T10:00:00Z", "2026-04-22T11:00:00Z");
    const mine = await book(u, "Mine, moved in Google", "2026-04-22T14:00:00Z", "2026-04-22T15:00:00Z");
    await sync(u);
    const [linked] = await u.db.select().from(schema.bookings).where(eq(schema.bookings.id, mine.id));
    clock.advance(60_000);
    fake.updateEvent(
      linked!.googleEventId!,
      { start: { dateTime: "2026-04-22T10:30:00Z" }, end: { dateTime: "2026-04-22T11:30:00Z" } },
      "primary",
      u.account,
    );
    await sync(u);
    expect((await liveBookings(u)).find((b) => b.id === mine.id)?.syncConflict).toContain('Overlaps "Held here"');

    const revokesBefore = fake.requests.filter((r) => r.path === "/revoke").length;
    expect(await disconnectGoogle(u)).toEqual({ disconnected: true });
    const after = await liveBookings(u);
    expect(after.map((b) => b.title)).toEqual(["Held here", "Mine, moved in Google"]);
    expect(after.find((b) => b.id === mine.id)?.syncConflict).toContain('Overlaps "Held here"');
    expect(fake.requests.filter((r) => r.path === "/revoke").length).toBe(revokesBefore + 1);
  });
});

describe("push notifications", () => {
  let receiver: Server;
  let worker: JobRuntime;
  let address: string;
  const realClock = { now: () => new Date() };

  beforeAll(async () => {
    // Stands in for /webhooks/google-calendar (apps/server tests the route itself).
    receiver = createServer((req, res) => {
      void handleGoogleNotification({ db: testDb().db, clock: realClock, jobs: worker.queue }, req.headers).then(
        (outcome) => res.writeHead(outcome.status).end(),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/google-calendar`;
  });
  afterAll(async () => {
    await worker?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it("a change in Google arrives as a notification and is pulled within seconds", async () => {
    const pushFake = await startFakeGoogle();
    try {
      const deps = syncDeps(pushFake, { pushAddress: address });
      worker = await startJobRuntime({
        connectionString: testDb().url,
        definitions: [calendarSyncJob] as never[],
        work: true,
        context: () => ({ db: testDb().db, clock: realClock, calendar: deps }),
        log: quiet,
      });
      const u = await connectedUser(testDb(), pushFake, worker.queue, {
        clock: new ManualClock(new Date()),
        deps: { pushAddress: address },
      });
      // The first sync (queued by connect) opens the channel.
      await waitFor(async () => {
        const [row] = await u.db
          .select()
          .from(schema.calendarConnections)
          .where(eq(schema.calendarConnections.id, u.connectionId));
        return Boolean(row?.channelId && row.lastSyncedAt);
      });
      expect(pushFake.channels).toHaveLength(1);
      const startsAt = new Date(Date.now() + 3 * 24 * 3600_000);
      const event = pushFake.createEvent(
        {
          summary: "Booked in Google",
          start: { dateTime: startsAt.toISOString() },
          end: { dateTime: new Date(startsAt.getTime() + 3600_000).toISOString() },
        },
        "primary",
        u.account,
      );
      const began = Date.now();
      await waitFor(async () => (await liveBookings(u)).some((b) => b.googleEventId === event.id));
      expect(Date.now() - began).toBeLessThan(10_000);
      expect(pushFake.notifications.some((n) => n.state === "exists" && n.status === 200)).toBe(true);
    } finally {
      await pushFake.close();
    }
  }, 30_000);
});

describe("long runs and the lease", () => {
  /**
   * The real provider against the fake, with `beforeCall` run before each API call: the tests move
   * their clock there, standing in for a slow Google (a big first sync, a rate-limit storm).
   */
  function slowGoogle(google: FakeGoogle, beforeCall: () => Promise<void>): Partial<CalendarSyncDeps> {
    const real = syncDeps(google).provider;
    return {
      provider: {
        ...real,
        api(token) {
          const api = real.api(token);
          return Object.fromEntries(
            Object.entries(api).map(([name, method]) => [
              name,
              async (...args: unknown[]) => {
                await beforeCall();
                return (method as (...a: unknown[]) => Promise<unknown>).apply(api, args);
              },
            ]),
          ) as unknown as CalendarApi;
        },
      },
    };
  }

  async function bookSix(u: SyncUser) {
    for (let day = 10; day < 16; day++) {
      await book(u, `Session ${day}`, `2026-03-${day}T10:00:00Z`, `2026-03-${day}T11:00:00Z`);
    }
  }

  it("a run that outlasts its lease keeps it: a second run meanwhile is refused, nothing is pushed twice", async () => {
    const slowClock = new ManualClock("2026-03-02T09:00:00Z");
    const google = await startFakeGoogle({ clock: slowClock });
    let calls = 0;
    let meanwhile: string | undefined;
    let u: SyncUser | undefined;
    try {
      u = await connectedUser(testDb(), google, sendOnly.queue, {
        clock: slowClock,
        deps: slowGoogle(google, async () => {
          calls += 1;
          slowClock.advance(4 * 60_000); // each call takes four minutes
          if (calls === 5 && u) meanwhile = (await runCalendarSync(u, u.connectionId)).outcome;
        }),
      });
      await bookSix(u);
      const outcome = await runCalendarSync(u, u.connectionId);
      expect(outcome).toMatchObject({ outcome: "synced", pushed: 6 });
      // 16 minutes in, past the 10-minute lease it started with: still ours.
      expect(meanwhile).toBe("busy");
      expect(calls).toBeGreaterThanOrEqual(7);
      expect(
        liveEvents(google, u)
          .map((e) => e.summary)
          .sort(),
      ).toEqual([10, 11, 12, 13, 14, 15].map((d) => `Session ${d}`));
      expect(await status(u)).toMatchObject({ status: "connected" });
    } finally {
      await google.close();
    }
  });

  it("a run whose lease another run took stops and leaves the connection to it", async () => {
    const slowClock = new ManualClock("2026-03-02T09:00:00Z");
    const google = await startFakeGoogle({ clock: slowClock });
    let calls = 0;
    let u: SyncUser | undefined;
    try {
      u = await connectedUser(testDb(), google, sendOnly.queue, {
        clock: slowClock,
        deps: slowGoogle(google, async () => {
          calls += 1;
          slowClock.advance(4 * 60_000);
          // Ours stalled past its lease and a second worker took the connection.
          if (calls === 2 && u) {
            await u.db
              .update(schema.calendarConnections)
              .set({ leaseOwner: "the-other-worker", leaseUntil: new Date(slowClock.now().getTime() + 600_000) })
              .where(eq(schema.calendarConnections.id, u.connectionId));
          }
        }),
      });
      await bookSix(u);
      expect(await runCalendarSync(u, u.connectionId)).toEqual({ outcome: "busy" });
      // It stopped at its next lease check, before the third call, and left the other run's lease alone.
      expect(calls).toBe(2);
      const [row] = await u.db
        .select()
        .from(schema.calendarConnections)
        .where(eq(schema.calendarConnections.id, u.connectionId));
      expect(row).toMatchObject({ leaseOwner: "the-other-worker", lastSyncedAt: null });
    } finally {
      await google.close();
    }
  });
});

describe("push channels", () => {
  // Nothing listens there: these tests look at the channels, not at the notifications.
  const pushAddress = "http://127.0.0.1:1/webhooks/google-calendar";
  const HOUR = 3600_000;

  async function channelOf(u: SyncUser) {
    const [row] = await u.db
      .select()
      .from(schema.calendarConnections)
      .where(eq(schema.calendarConnections.id, u.connectionId));
    return { id: row!.channelId, openedAt: row!.channelOpenedAt, expiresAt: row!.channelExpiresAt };
  }

  it("renews a 7-day channel in its last day, and keeps it on every poll before that", async () => {
    const weekClock = new ManualClock("2026-03-02T09:00:00Z");
    const weekFake = await startFakeGoogle({ clock: weekClock });
    try {
      const u = await connectedUser(testDb(), weekFake, sendOnly.queue, { clock: weekClock, deps: { pushAddress } });
      await sync(u);
      const first = await channelOf(u);
      expect(first.expiresAt!.getTime() - first.openedAt!.getTime()).toBe(7 * 24 * HOUR);
      weekClock.advance(5 * 24 * HOUR + 23 * HOUR);
      await sync(u);
      expect((await channelOf(u)).id).toBe(first.id);
      weekClock.advance(2 * HOUR); // 23 hours left
      await sync(u);
      const renewed = await channelOf(u);
      expect(renewed.id).not.toBe(first.id);
      expect(renewed.openedAt).toEqual(weekClock.now());
      // The old channel was stopped at Google: one live channel, the new one.
      expect(weekFake.channels.map((c) => c.id)).toEqual([renewed.id]);
    } finally {
      await weekFake.close();
    }
  });

  it("a shorter lifetime granted by Google is renewed at its half, not reopened on every poll", async () => {
    const shortClock = new ManualClock("2026-03-02T09:00:00Z");
    const shortFake = await startFakeGoogle({ clock: shortClock, maxChannelTtlSeconds: 6 * 3600 });
    try {
      const u = await connectedUser(testDb(), shortFake, sendOnly.queue, { clock: shortClock, deps: { pushAddress } });
      await sync(u);
      const first = await channelOf(u);
      expect(first.expiresAt!.getTime() - first.openedAt!.getTime()).toBe(6 * HOUR);
      // Polls every 5 minutes for almost 3 hours keep the channel (a day-before rule would reopen it each time).
      for (let poll = 0; poll < 35; poll++) {
        shortClock.advance(5 * 60_000);
        await sync(u);
      }
      expect((await channelOf(u)).id).toBe(first.id);
      shortClock.advance(6 * 60_000); // 3 hours and a minute in: under half the lifetime left
      await sync(u);
      const renewed = await channelOf(u);
      expect(renewed.id).not.toBe(first.id);
      expect(shortFake.channels.map((c) => c.id)).toEqual([renewed.id]);
    } finally {
      await shortFake.close();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("waitFor: condition not met in time");
}
