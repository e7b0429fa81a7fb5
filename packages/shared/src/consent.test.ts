import { describe, expect, it } from "vitest";
import { clientConsentInput, mergeConsent, NO_CONSENT, startOfLocalDay } from "./consent";

const NOW = new Date("2026-03-01T09:00:00Z");

describe("consent", () => {
  it("reads a picked day as the start of that day in the zone", () => {
    expect(startOfLocalDay("2026-03-01", "Europe/Berlin")).toEqual(new Date("2026-02-28T23:00:00Z"));
    expect(startOfLocalDay("2026-03-01", "Pacific/Kiritimati")).toEqual(new Date("2026-02-28T10:00:00Z"));
    // Clocks jump from 00:00 to 01:00 on this day in Santiago: the day starts at 01:00.
    expect(startOfLocalDay("2026-09-06", "America/Santiago")).toEqual(new Date("2026-09-06T04:00:00Z"));
    expect(startOfLocalDay("2026-02-30", "UTC")).toBeNull();
    expect(startOfLocalDay("1.3.2026", "UTC")).toBeNull();
  });

  it("dates marketing consent now when it turns on without a date, keeps it while on, clears it when off", () => {
    const on = mergeConsent(NO_CONSENT, { marketing: true }, NOW);
    expect(on).toEqual({ ok: true, consent: { ...NO_CONSENT, marketing: true, marketingAt: NOW } });
    const later = new Date("2026-03-05T00:00:00Z");
    const kept = mergeConsent(on.ok ? on.consent : NO_CONSENT, { source: undefined }, later);
    expect(kept.ok && kept.consent.marketingAt).toEqual(NOW);
    const off = mergeConsent(on.ok ? on.consent : NO_CONSENT, { marketing: false }, later);
    expect(off.ok && off.consent).toEqual(NO_CONSENT);
  });

  it("names the field of each refusal", () => {
    expect(mergeConsent(NO_CONSENT, { source: "form" }, NOW)).toMatchObject({ ok: false, field: "consent.basis" });
    expect(mergeConsent(NO_CONSENT, { marketingAt: NOW }, NOW)).toMatchObject({
      ok: false,
      field: "consent.marketingAt",
    });
    expect(
      mergeConsent(NO_CONSENT, { basis: "consent", givenAt: new Date("2026-03-01T09:06:00Z") }, NOW),
    ).toMatchObject({ ok: false, field: "consent.givenAt", message: "Consent date cannot be in the future" });
    const parsed = clientConsentInput.safeParse({ basis: "consent", givenAt: null, source: "  " });
    expect(parsed.success && parsed.data).toEqual({ basis: "consent", givenAt: null, source: null });
  });
});
