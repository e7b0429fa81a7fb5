import { describe, expect, it } from "vitest";
import { composeReminder, type ReminderFacts } from "./compose";

const facts = (overrides: Partial<ReminderFacts> = {}): ReminderFacts => ({
  bookingId: "0b6f5a52-4c57-4d0e-9a39-3c1f1c0c9a11",
  title: "Coaching <intro>",
  startsAt: new Date("2026-01-15T15:00:00Z"),
  endsAt: new Date("2026-01-15T16:00:00Z"),
  location: null,
  status: "confirmed",
  updatedAt: new Date("2026-01-01T00:00:00Z"),
  clientFirstName: "Ada",
  zone: "America/New_York",
  professionalName: "Sam Coach",
  professionalEmail: "sam@example.com",
  ...overrides,
});
const stampedAt = new Date("2026-01-10T00:00:00Z");

describe("composeReminder", () => {
  it("gives the time in the zone with its short name and its IANA name", () => {
    const email = composeReminder(facts(), stampedAt);
    expect(email.text).toContain("  Thursday 15 January 2026, 10:00–11:00 EST (America/New_York)");
    expect(email.subject).toBe("Reminder: Coaching <intro> on Thu 15 Jan, 10:00");
    expect(email.html).toContain(
      "Coaching &lt;intro&gt;</strong><br>Thursday 15 January 2026, 10:00–11:00 EST (America/New_York)",
    );
  });

  it("names a zone once when its short name is its name (UTC)", () => {
    const email = composeReminder(facts({ zone: "UTC" }), stampedAt);
    expect(email.text).toContain("  Thursday 15 January 2026, 15:00–16:00 UTC\n");
    expect(email.text).not.toContain("(UTC)");
    expect(email.html).not.toContain("(UTC)");
  });

  it("attaches the booking as an .ics stamped with the given time, so a retry sends the same bytes", () => {
    const first = composeReminder(facts({ location: "Studio 2" }), stampedAt);
    const again = composeReminder(facts({ location: "Studio 2" }), stampedAt);
    expect(first).toEqual(again);
    expect(first.text).toContain("  Studio 2");
    const ics = first.attachments[0]!;
    expect(ics).toMatchObject({ filename: "session.ics", contentType: "text/calendar" });
    expect(ics.content).toContain("DTSTART:20260115T150000Z");
    expect(ics.content).toContain("DTSTAMP:20260110T000000Z");
  });
});
