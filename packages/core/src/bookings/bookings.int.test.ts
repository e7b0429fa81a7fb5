import { useTestDatabase } from "@crm/db/testing";
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { listActivity } from "../activity/activity";
import { createClient, deleteClient, restoreClient } from "../clients/clients";
import { DomainError } from "../errors";
import { ManualClock } from "../ports";
import { updateSettings } from "../settings/settings";
import { createTestUser, testDataKeys } from "../testing";
import { createBooking, transitionBooking, updateBooking } from "./bookings";
import { bookingIcs, calendarFeedIcs, revokeCalendarFeed, rotateCalendarFeed } from "./feed";
import { checkSlot, getBooking, listBookings, listClientBookings } from "./queries";

const testDb = useTestDatabase();
const at = (iso: string) => new Date(iso);

async function owner() {
  const base = { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z"), dataKeys: testDataKeys };
  const user = await createTestUser(base, { timeZone: "America/New_York" });
  const ctx = { ...base, userId: user.id };
  const client = await createClient(ctx, { firstName: "Maya", lastName: "Patel", email: "maya@example.com" });
  return { ...ctx, client };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

function book(ctx: Awaited<ReturnType<typeof owner>>, startsAt: string, endsAt: string, title = "Session") {
  return createBooking(ctx, { clientId: ctx.client.id, title, startsAt: at(startsAt), endsAt: at(endsAt) });
}

describe("bookings: state machine", () => {
  it("walks proposed -> confirmed -> completed, and refuses every other move with a clear message", async () => {
    const ctx = await owner();
    const b = await book(ctx, "2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z");
    expect(b.status).toBe("proposed");
    const tooEarly = await failure(transitionBooking(ctx, { id: b.id, version: b.version, to: "completed" }));
    expect(tooEarly).toMatchObject({
      code: "INVALID_TRANSITION",
      message: "A proposed booking cannot become completed; confirm it first",
    });
    const confirmed = await transitionBooking(ctx, { id: b.id, version: b.version, to: "confirmed" });
    const notStarted = await failure(transitionBooking(ctx, { id: b.id, version: confirmed.version, to: "completed" }));
    expect(notStarted.message).toBe("A booking can be completed only once it has started");
    ctx.clock.set("2026-03-02T15:30:00Z");
    const completed = await transitionBooking(ctx, { id: b.id, version: confirmed.version, to: "completed" });
    expect(completed.status).toBe("completed");
    for (const to of ["proposed", "confirmed", "cancelled"] as const) {
      const error = await failure(transitionBooking(ctx, { id: b.id, version: completed.version, to }));
      expect(error.code).toBe("INVALID_TRANSITION");
    }
    expect(
      (await failure(transitionBooking(ctx, { id: b.id, version: completed.version, to: "proposed" }))).message,
    ).toBe("A completed booking cannot go back to proposed");
    const log = await listActivity(ctx, { entityType: "booking", entityId: b.id });
    expect(log.items.map((i) => i.action)).toEqual(["completed", "confirmed", "created"]);
    // A status change records only the status; the entry carries which session it was.
    expect(log.items[0]!.changes).toEqual({ status: { before: "confirmed", after: "completed" } });
    expect(log.items[0]!.booking).toEqual({ title: b.title, startsAt: b.startsAt });
  });

  it("cancels from proposed and from confirmed; cancelled is final; a stale version is refused", async () => {
    const ctx = await owner();
    const a = await book(ctx, "2026-03-03T15:00:00Z", "2026-03-03T16:00:00Z");
    const cancelled = await transitionBooking(ctx, { id: a.id, version: a.version, to: "cancelled" });
    expect(
      (await failure(transitionBooking(ctx, { id: a.id, version: cancelled.version, to: "confirmed" }))).message,
    ).toBe("A cancelled booking cannot go back to confirmed");
    const b = await book(ctx, "2026-03-04T15:00:00Z", "2026-03-04T16:00:00Z");
    const confirmed = await transitionBooking(ctx, { id: b.id, version: b.version, to: "confirmed" });
    expect((await transitionBooking(ctx, { id: b.id, version: confirmed.version, to: "cancelled" })).status).toBe(
      "cancelled",
    );
    expect(await failure(transitionBooking(ctx, { id: b.id, version: b.version, to: "cancelled" }))).toMatchObject({
      code: "STALE_VERSION",
    });
  });
});

describe("bookings: no double booking", () => {
  it("refuses contained, partial and identical overlaps, naming the booking in the way; allows back-to-back", async () => {
    const ctx = await owner();
    const existing = await book(ctx, "2026-03-05T14:00:00Z", "2026-03-05T15:00:00Z", "Coaching");
    for (const [s, e] of [
      ["2026-03-05T14:15:00Z", "2026-03-05T14:45:00Z"], // contained
      ["2026-03-05T13:30:00Z", "2026-03-05T16:00:00Z"], // containing
      ["2026-03-05T14:30:00Z", "2026-03-05T15:30:00Z"], // partial
      ["2026-03-05T14:00:00Z", "2026-03-05T15:00:00Z"], // identical
    ] as const) {
      const error = await failure(book(ctx, s, e));
      expect(error.code).toBe("OVERLAP");
      expect(error.message).toBe('Time slot unavailable: "Coaching" with Maya Patel is booked then');
      expect(error.details).toMatchObject({ bookingId: existing.id, title: "Coaching" });
    }
    await book(ctx, "2026-03-05T15:00:00Z", "2026-03-05T16:00:00Z"); // starts when the other ends
    await book(ctx, "2026-03-05T13:00:00Z", "2026-03-05T14:00:00Z"); // ends when the other starts
    expect(
      await checkSlot(ctx, { startsAt: at("2026-03-05T14:30:00Z"), endsAt: at("2026-03-05T14:45:00Z") }),
    ).toMatchObject({
      available: false,
      conflict: { id: existing.id },
    });
  });

  it("lets cancelled and completed bookings free their slot", async () => {
    const ctx = await owner();
    const a = await book(ctx, "2026-03-06T14:00:00Z", "2026-03-06T15:00:00Z");
    await transitionBooking(ctx, { id: a.id, version: a.version, to: "cancelled" });
    const b = await book(ctx, "2026-03-06T14:00:00Z", "2026-03-06T15:00:00Z");
    const confirmed = await transitionBooking(ctx, { id: b.id, version: b.version, to: "confirmed" });
    ctx.clock.set("2026-03-06T14:30:00Z");
    await transitionBooking(ctx, { id: b.id, version: confirmed.version, to: "completed" });
    await book(ctx, "2026-03-06T14:00:00Z", "2026-03-06T15:00:00Z");
  });

  it("checks rescheduling against the same rule, and keeps final bookings' times", async () => {
    const ctx = await owner();
    await book(ctx, "2026-03-09T14:00:00Z", "2026-03-09T15:00:00Z", "Fixed");
    const moving = await book(ctx, "2026-03-09T16:00:00Z", "2026-03-09T17:00:00Z", "Moving");
    const error = await failure(
      updateBooking(ctx, {
        id: moving.id,
        version: moving.version,
        startsAt: at("2026-03-09T14:30:00Z"),
        endsAt: at("2026-03-09T15:30:00Z"),
      }),
    );
    expect(error).toMatchObject({ code: "OVERLAP", message: expect.stringContaining('"Fixed"') });
    expect((await getBooking(ctx, moving.id)).startsAt).toEqual(at("2026-03-09T16:00:00Z"));
    const moved = await updateBooking(ctx, {
      id: moving.id,
      version: moving.version,
      startsAt: at("2026-03-09T15:00:00Z"),
      endsAt: at("2026-03-09T16:00:00Z"),
    });
    expect(moved.version).toBe(moving.version + 1);
    const cancelled = await transitionBooking(ctx, { id: moved.id, version: moved.version, to: "cancelled" });
    const refused = await failure(
      updateBooking(ctx, {
        id: moved.id,
        version: cancelled.version,
        startsAt: at("2026-03-10T15:00:00Z"),
        endsAt: at("2026-03-10T16:00:00Z"),
      }),
    );
    expect(refused.message).toBe("A cancelled booking cannot be rescheduled");
  });
});

describe("bookings: bad input", () => {
  it("refuses each with a clear error and changes nothing", async () => {
    const ctx = await owner();
    const other = await owner();
    const cases: [string, () => Promise<unknown>, string][] = [
      ["end before start", () => book(ctx, "2026-03-11T15:00:00Z", "2026-03-11T14:00:00Z"), "endsAt"],
      ["zero length", () => book(ctx, "2026-03-11T15:00:00Z", "2026-03-11T15:00:00Z"), "endsAt"],
      ["over a day", () => book(ctx, "2026-03-11T15:00:00Z", "2026-03-12T15:30:00Z"), "endsAt"],
      ["far past", () => book(ctx, "1999-03-11T15:00:00Z", "1999-03-11T16:00:00Z"), "startsAt"],
      ["far future", () => book(ctx, "2150-03-11T15:00:00Z", "2150-03-11T16:00:00Z"), "startsAt"],
      [
        "foreign client",
        () =>
          createBooking(ctx, {
            clientId: other.client.id,
            title: "x",
            startsAt: at("2026-03-11T15:00:00Z"),
            endsAt: at("2026-03-11T16:00:00Z"),
          }),
        "clientId",
      ],
      [
        "non-IANA zone",
        () =>
          createBooking(ctx, {
            clientId: ctx.client.id,
            title: "x",
            startsAt: at("2026-03-11T15:00:00Z"),
            endsAt: at("2026-03-11T16:00:00Z"),
            timeZone: "GMT+2",
          }),
        "timeZone",
      ],
      [
        "empty title",
        () =>
          createBooking(ctx, {
            clientId: ctx.client.id,
            title: " ",
            startsAt: at("2026-03-11T15:00:00Z"),
            endsAt: at("2026-03-11T16:00:00Z"),
          }),
        "title",
      ],
    ];
    for (const [label, attempt, field] of cases) {
      const error = await failure(attempt());
      expect(error.field, label).toBe(field);
    }
    const trashed = await createClient(ctx, { firstName: "Gone" });
    await deleteClient(ctx, trashed.id);
    expect(
      await failure(
        createBooking(ctx, {
          clientId: trashed.id,
          title: "x",
          startsAt: at("2026-03-11T15:00:00Z"),
          endsAt: at("2026-03-11T16:00:00Z"),
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", field: "clientId" });
    expect(
      await failure(listBookings(ctx, { from: at("1990-01-01T00:00:00Z"), to: at("1990-12-01T00:00:00Z") })),
    ).toMatchObject({
      field: "from",
    });
    expect(await listBookings(ctx, { from: at("2026-03-01T00:00:00Z"), to: at("2026-04-01T00:00:00Z") })).toEqual([]);
  });
});

describe("bookings: time zones", () => {
  it("keeps every booking's instant when the user changes time zone", async () => {
    const ctx = await owner();
    const b = await book(ctx, "2026-03-12T14:00:00Z", "2026-03-12T15:00:00Z");
    await updateSettings(ctx, { timeZone: "Asia/Kathmandu" });
    const after = await getBooking(ctx, b.id);
    expect([after.startsAt.toISOString(), after.endsAt.toISOString()]).toEqual([
      "2026-03-12T14:00:00.000Z",
      "2026-03-12T15:00:00.000Z",
    ]);
  });
});

describe("bookings with their client", () => {
  it("lists a client's bookings upcoming first, hides them with the client and brings them back with it", async () => {
    const ctx = await owner();
    const past = await book(ctx, "2026-02-20T14:00:00Z", "2026-02-20T15:00:00Z", "Past");
    const soon = await book(ctx, "2026-03-13T14:00:00Z", "2026-03-13T15:00:00Z", "Soon");
    const later = await book(ctx, "2026-03-20T14:00:00Z", "2026-03-20T15:00:00Z", "Later");
    const listed = await listClientBookings(ctx, { clientId: ctx.client.id });
    expect(listed.upcoming.map((b) => b.id)).toEqual([soon.id, later.id]);
    expect(listed.past.map((b) => b.id)).toEqual([past.id]);

    await deleteClient(ctx, ctx.client.id);
    expect(await listBookings(ctx, { from: at("2026-02-01T00:00:00Z"), to: at("2026-04-01T00:00:00Z") })).toEqual([]);
    // Its slots are free meanwhile; one of them gets taken by another client.
    const other = await createClient(ctx, { firstName: "Other" });
    await createBooking(ctx, {
      clientId: other.id,
      title: "Taken",
      startsAt: at("2026-03-13T14:30:00Z"),
      endsAt: at("2026-03-13T15:30:00Z"),
    });
    await restoreClient(ctx, ctx.client.id);
    expect((await getBooking(ctx, later.id)).status).toBe("proposed");
    expect((await getBooking(ctx, soon.id)).status).toBe("cancelled");
  });
});

describe("ICS", () => {
  it("exports a booking and a feed that a real parser reads back; a revoked feed is gone", async () => {
    const ctx = await owner();
    const b = await createBooking(ctx, {
      clientId: ctx.client.id,
      title: "Strategy, session; part 1",
      startsAt: at("2026-03-14T14:00:00Z"),
      endsAt: at("2026-03-14T15:30:00Z"),
      location: "Zoom: https://zoom.example/j/123",
      notes:
        "Bring the plan.\nSecond line with ünïcödé and a very long sentence that goes on and on to force line folding past 75 octets.",
    });
    const { filename, content } = await bookingIcs(ctx, b.id);
    expect(filename).toBe("strategy-session-part-1.ics");
    const vevent = new ICAL.Component(ICAL.parse(content)).getFirstSubcomponent("vevent")!;
    const event = new ICAL.Event(vevent);
    expect(event.summary).toBe("Strategy, session; part 1");
    expect(event.startDate.toJSDate().toISOString()).toBe("2026-03-14T14:00:00.000Z");
    expect(event.endDate.toJSDate().toISOString()).toBe("2026-03-14T15:30:00.000Z");
    expect(event.location).toBe("Zoom: https://zoom.example/j/123");
    expect(event.description).toContain("ünïcödé and a very long sentence");
    expect(vevent.getFirstPropertyValue("status")).toBe("TENTATIVE");

    const { path } = await rotateCalendarFeed(ctx);
    const secret = path.slice("/feeds/".length, -".ics".length);
    const feed = await calendarFeedIcs(ctx, secret);
    const events = new ICAL.Component(ICAL.parse(feed!)).getAllSubcomponents("vevent");
    expect(events.map((e) => e.getFirstPropertyValue("summary"))).toEqual(["Strategy, session; part 1"]);
    const { path: rotated } = await rotateCalendarFeed(ctx);
    expect(await calendarFeedIcs(ctx, secret)).toBeNull(); // the old URL stopped working
    await revokeCalendarFeed(ctx);
    expect(await calendarFeedIcs(ctx, rotated.slice(7, -4))).toBeNull();
  });
});
