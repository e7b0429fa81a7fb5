import { formatInTimeZone } from "date-fns-tz";
import { describe, expect, it } from "vitest";
import { nextStatuses, transitionError } from "./bookings";
import { formatInZone, resolveWallClock, sameWallClockDayBefore, wallClockToInstant } from "./wall-clock";

const iso = (d: Date) => d.toISOString().replace(".000", "");

describe("wall-clock times across DST", () => {
  it("New York: 09:00 is 13:00Z after the spring change and 14:00Z before it", () => {
    expect(resolveWallClock("2026-03-09T09:00", "America/New_York")).toEqual({
      kind: "exact",
      instant: new Date("2026-03-09T13:00:00Z"),
    });
    expect(resolveWallClock("2026-03-07T09:00", "America/New_York")).toEqual({
      kind: "exact",
      instant: new Date("2026-03-07T14:00:00Z"),
    });
  });

  it("refuses a time the clocks skip, and flags one they repeat", () => {
    expect(resolveWallClock("2026-03-08T02:30", "America/New_York")).toEqual({ kind: "nonexistent" });
    const fallBack = resolveWallClock("2026-11-01T01:30", "America/New_York");
    expect(fallBack).toEqual({
      kind: "ambiguous",
      earlier: new Date("2026-11-01T05:30:00Z"),
      later: new Date("2026-11-01T06:30:00Z"),
    });
    const refused = wallClockToInstant("2026-03-08T02:30", "America/New_York");
    expect(refused).toEqual({ ok: false, message: expect.stringContaining("does not exist") });
    const first = wallClockToInstant("2026-11-01T01:30", "America/New_York");
    expect(first).toMatchObject({
      ok: true,
      instant: new Date("2026-11-01T05:30:00Z"),
      note: expect.stringContaining("twice"),
    });
  });

  it("Europe/London", () => {
    expect(resolveWallClock("2026-03-29T01:30", "Europe/London")).toEqual({ kind: "nonexistent" });
    expect(resolveWallClock("2026-03-29T02:30", "Europe/London")).toEqual({
      kind: "exact",
      instant: new Date("2026-03-29T01:30:00Z"),
    });
    const fallBack = resolveWallClock("2026-10-25T01:30", "Europe/London");
    expect(fallBack.kind).toBe("ambiguous");
    if (fallBack.kind === "ambiguous")
      expect([iso(fallBack.earlier), iso(fallBack.later)]).toEqual(["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"]);
  });

  it("Australia/Lord_Howe moves by 30 minutes", () => {
    // DST starts 2026-10-04: 02:00 jumps to 02:30 (UTC+10:30 -> +11).
    expect(resolveWallClock("2026-10-04T02:15", "Australia/Lord_Howe")).toEqual({ kind: "nonexistent" });
    expect(resolveWallClock("2026-10-04T03:00", "Australia/Lord_Howe")).toEqual({
      kind: "exact",
      instant: new Date("2026-10-03T16:00:00Z"),
    });
    // DST ends 2026-04-05: 02:00 falls back to 01:30, so 01:45 happens twice, 30 minutes apart.
    const twice = resolveWallClock("2026-04-05T01:45", "Australia/Lord_Howe");
    expect(twice.kind).toBe("ambiguous");
    if (twice.kind === "ambiguous") expect(twice.later.getTime() - twice.earlier.getTime()).toBe(30 * 60_000);
  });

  it("Asia/Kathmandu is UTC+05:45 all year", () => {
    expect(resolveWallClock("2026-06-01T09:00", "Asia/Kathmandu")).toEqual({
      kind: "exact",
      instant: new Date("2026-06-01T03:15:00Z"),
    });
    expect(resolveWallClock("2026-12-01T00:10", "Asia/Kathmandu")).toEqual({
      kind: "exact",
      instant: new Date("2026-11-30T18:25:00Z"),
    });
  });

  it("finds the same wall-clock time the day before, so DST does not move reminders", () => {
    // 09:00 on the spring-forward day (EDT) -> 09:00 the day before (EST): 23 hours earlier.
    expect(iso(sameWallClockDayBefore(new Date("2026-03-08T13:00:00Z"), "America/New_York"))).toBe(
      "2026-03-07T14:00:00Z",
    );
    // 09:00 the day after fall-back (EST) -> 09:00 the day before (EDT): 25 hours earlier.
    expect(iso(sameWallClockDayBefore(new Date("2026-11-02T14:00:00Z"), "America/New_York"))).toBe(
      "2026-11-01T14:00:00Z",
    );
    expect(iso(sameWallClockDayBefore(new Date("2026-06-10T08:00:00Z"), "Europe/London"))).toBe("2026-06-09T08:00:00Z");
  });
});

describe("booking state machine", () => {
  it("allows proposed -> confirmed|cancelled and confirmed -> completed|cancelled only", () => {
    expect(nextStatuses("proposed")).toEqual(["confirmed", "cancelled"]);
    expect(nextStatuses("confirmed")).toEqual(["completed", "cancelled"]);
    expect(nextStatuses("completed")).toEqual([]);
    expect(nextStatuses("cancelled")).toEqual([]);
    expect(transitionError("proposed", "confirmed")).toBeNull();
    expect(transitionError("completed", "proposed")).toBe("A completed booking cannot go back to proposed");
    expect(transitionError("cancelled", "confirmed")).toBe("A cancelled booking cannot go back to confirmed");
    expect(transitionError("proposed", "completed")).toBe(
      "A proposed booking cannot become completed; confirm it first",
    );
    expect(transitionError("confirmed", "proposed")).toBe("A confirmed booking cannot go back to proposed");
    expect(transitionError("confirmed", "confirmed")).toBe("The booking is already confirmed");
  });
});

describe("formatInZone", () => {
  // It keeps a zone-name formatter per zone instead of date-fns-tz's one per call: the text must not change.
  const zones = ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe", "UTC", "Pacific/Chatham"];
  const instants = ["2026-03-08T06:59:00Z", "2026-03-08T07:00:00Z", "2026-10-25T00:59:00Z", "2026-10-25T01:00:00Z"];
  const patterns = ["HH:mm zzz", "HH:mm z", "zz 'zone' HH:mm", "EEE d MMM, HH:mm", "HH:mm zzzz", "'it''s' HH:mm zzz"];

  it("writes exactly what date-fns-tz writes, across DST changes", () => {
    for (const zone of zones) {
      for (const at of instants) {
        for (const pattern of patterns) {
          expect(formatInZone(new Date(at), zone, pattern), `${zone} ${at} ${pattern}`).toBe(
            formatInTimeZone(new Date(at), zone, pattern),
          );
        }
      }
    }
  });

  it("names the zone for the instant, not for the first one formatted", () => {
    expect(formatInZone(new Date("2026-01-15T12:00:00Z"), "America/New_York", "zzz")).toBe("EST");
    expect(formatInZone(new Date("2026-07-15T12:00:00Z"), "America/New_York", "zzz")).toBe("EDT");
  });

  it("keeps a quoted z literal and refuses an unknown zone", () => {
    expect(formatInZone(new Date("2026-07-15T12:00:00Z"), "UTC", "'z' HH:mm")).toBe("z 12:00");
    expect(() => formatInZone(new Date(), "Mars/Olympus", "HH:mm zzz")).toThrow(RangeError);
  });
});
