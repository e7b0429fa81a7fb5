import { describe, expect, it } from "vitest";
import { loginInput, signupInput } from "./auth";
import { isValidTimeZone, listTimeZones } from "./time-zones";

describe("auth schemas", () => {
  it("trims emails and keeps their case", () => {
    const parsed = signupInput.parse({ email: "  Ada@Example.com ", password: "long-enough-1", name: " Ada " });
    expect(parsed).toMatchObject({ email: "Ada@Example.com", name: "Ada" });
  });

  it("explains each bad field", () => {
    const result = signupInput.safeParse({ email: "x", password: "short", name: "" });
    expect(result.success).toBe(false);
    const byField = Object.fromEntries(result.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(byField).toEqual({
      email: "Enter a valid email address",
      password: "Password must be at least 10 characters",
      name: "Name is required",
    });
  });

  it("accepts any password length at sign-in", () => {
    expect(loginInput.safeParse({ email: "a@b.co", password: "short" }).success).toBe(true);
  });
});

describe("time zones", () => {
  it("knows IANA names and refuses others", () => {
    for (const zone of [
      "UTC",
      "America/New_York",
      "Asia/Kathmandu",
      "Australia/Lord_Howe",
      "America/Argentina/Buenos_Aires",
    ]) {
      expect(isValidTimeZone(zone)).toBe(true);
    }
    for (const zone of ["", "Mars/Base", "+05:00", "EST5EDT; drop table", "x".repeat(80)]) {
      expect(isValidTimeZone(zone)).toBe(false);
    }
    expect(listTimeZones()).toContain("Europe/Berlin");
    expect(listTimeZones()).toContain("Asia/Kathmandu");
    expect(listTimeZones()).toContain("Asia/Kolkata");
    expect(listTimeZones()).toContain("UTC");
  });
});
