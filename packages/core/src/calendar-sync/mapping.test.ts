import { describe, expect, it } from "vitest";
import { bookingToEvent, eventIdForBooking, eventTimes, startOfLocalDay } from "./mapping";
import { decryptToken, encryptToken } from "./token-cipher";

const booking = {
  id: "0b6f5c2e-8d1a-4e3b-9c7d-1f2a3b4c5d6e",
  title: "Coaching",
  startsAt: new Date("2026-03-05T10:00:00Z"),
  endsAt: new Date("2026-03-05T11:00:00Z"),
  location: null,
  notes: "Bring the plan",
  status: "proposed" as const,
  allDay: false,
  clientName: "Maya Lopez",
  source: "crm",
};

describe("event ids", () => {
  it("are valid Google ids (base32hex, 5-1024) and the same for the same booking", () => {
    const id = eventIdForBooking(booking.id);
    expect(id).toMatch(/^[a-v0-9]{5,1024}$/);
    expect(eventIdForBooking(booking.id.toUpperCase())).toBe(id);
  });
});

describe("booking → event", () => {
  it("keeps the instant, marks it ours, and maps proposed to tentative", () => {
    const event = bookingToEvent(booking, "Europe/Berlin");
    expect(event).toMatchObject({
      summary: "Coaching",
      status: "tentative",
      start: { dateTime: "2026-03-05T10:00:00.000Z", timeZone: "Europe/Berlin" },
      privateProperties: { crmBookingId: booking.id },
    });
    expect(event.description).toBe("With Maya Lopez\n\nBring the plan");
    expect(bookingToEvent({ ...booking, status: "confirmed" }, "UTC").status).toBe("confirmed");
  });

  it("writes only what the CRM owns to an event made in Google: no description, no blanked location, its own zone", () => {
    const event = bookingToEvent({ ...booking, source: "google", status: "confirmed" }, "Europe/Berlin");
    expect(event).not.toHaveProperty("description");
    expect(event).not.toHaveProperty("location");
    expect(event.start).toEqual({ dateTime: "2026-03-05T10:00:00.000Z" });
    expect(event).toMatchObject({ summary: "Coaching", privateProperties: { crmBookingId: booking.id } });
    expect(bookingToEvent({ ...booking, source: "google", location: "Studio 3" }, "UTC").location).toBe("Studio 3");
    // Ours: everything, a cleared field included.
    expect(bookingToEvent(booking, "UTC")).toMatchObject({ location: null, start: { timeZone: "UTC" } });
  });

  it("writes all-day bookings as dates in the user's zone", () => {
    const event = bookingToEvent(
      {
        ...booking,
        allDay: true,
        startsAt: new Date("2026-03-12T05:00:00Z"),
        endsAt: new Date("2026-03-14T05:00:00Z"),
      },
      "America/New_York",
    );
    expect(event.start).toEqual({ date: "2026-03-12" });
    expect(event.end).toEqual({ date: "2026-03-14" });
  });
});

describe("event → times", () => {
  const base = { id: "abcde", status: "confirmed" as const };
  it("reads offsets and zones as instants", () => {
    const result = eventTimes(
      { ...base, start: { dateTime: "2026-03-16T09:00:00+09:00" }, end: { dateTime: "2026-03-16T10:00:00+09:00" } },
      "Europe/Berlin",
    );
    expect(result).toEqual({
      ok: true,
      times: { startsAt: new Date("2026-03-16T00:00:00Z"), endsAt: new Date("2026-03-16T01:00:00Z"), allDay: false },
    });
  });

  it("reads a local time with its timeZone", () => {
    const result = eventTimes(
      {
        ...base,
        start: { dateTime: "2026-03-16T09:00:00", timeZone: "Asia/Tokyo" },
        end: { dateTime: "2026-03-16T10:00:00", timeZone: "Asia/Tokyo" },
      },
      "Europe/Berlin",
    );
    expect(result).toMatchObject({ ok: true, times: { startsAt: new Date("2026-03-16T00:00:00Z") } });
    expect(
      eventTimes(
        { ...base, start: { dateTime: "2026-03-16T09:00:00" }, end: { dateTime: "2026-03-16T10:00:00" } },
        "UTC",
      ).ok,
    ).toBe(false);
  });

  it("spans all-day events from local midnight to local midnight, across DST", () => {
    // New York springs forward on 2026-03-08: that day is 23 hours long.
    const result = eventTimes(
      { ...base, start: { date: "2026-03-08" }, end: { date: "2026-03-09" } },
      "America/New_York",
    );
    expect(result).toMatchObject({
      ok: true,
      times: { startsAt: new Date("2026-03-08T05:00:00Z"), endsAt: new Date("2026-03-09T04:00:00Z"), allDay: true },
    });
  });

  it("refuses what no booking can hold, naming the field", () => {
    expect(eventTimes({ ...base, start: { dateTime: "2026-03-16T09:00:00Z" } }, "UTC")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("end"),
    });
    expect(
      eventTimes(
        { ...base, start: { dateTime: "2026-03-16T09:00:00Z" }, end: { dateTime: "2026-03-16T09:00:00Z" } },
        "UTC",
      ),
    ).toMatchObject({ ok: false });
    expect(eventTimes({ ...base, start: { dateTime: "yesterday" }, end: { date: "2026-03-16" } }, "UTC").ok).toBe(
      false,
    );
  });

  it("finds the start of a day whose midnight does not exist", () => {
    // Santiago springs forward at 24:00 on 2026-09-05: 2026-09-06 starts at 01:00.
    expect(startOfLocalDay("2026-09-06", "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });
});

describe("token encryption", () => {
  const key = new Uint8Array(32).fill(9);
  it("round-trips, differs every time, and refuses another owner, another key or tampering", () => {
    const sealed = encryptToken(key, "1//refresh-token", "user-a");
    expect(sealed).not.toContain("refresh");
    expect(encryptToken(key, "1//refresh-token", "user-a")).not.toBe(sealed);
    expect(decryptToken(key, sealed, "user-a")).toBe("1//refresh-token");
    expect(() => decryptToken(key, sealed, "user-b")).toThrow();
    expect(() => decryptToken(new Uint8Array(32).fill(1), sealed, "user-a")).toThrow();
    const parts = sealed.split(".");
    parts[2] = `${parts[2]!.startsWith("A") ? "B" : "A"}${parts[2]!.slice(1)}`;
    expect(() => decryptToken(key, parts.join("."), "user-a")).toThrow();
    expect(() => encryptToken(new Uint8Array(16), "x", "user-a")).toThrow("32 bytes");
  });
});
