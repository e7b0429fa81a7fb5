import { describe, expect, it } from "vitest";
import { parseConsentBasis, parseDateCell, parseYesNo } from "./consent-cells";
import { suggestMapping } from "./mapping";
import { type MapRowResult, mapRow } from "./rows";

const BERLIN = { phoneRegion: "DE", timeZone: "Europe/Berlin" };
const NEW_YORK = { phoneRegion: "US", timeZone: "America/New_York" };

describe("consent cells", () => {
  it("reads the lawful basis as people write it", () => {
    expect(
      [
        "Consent",
        "CONTRACT",
        "Legitimate interest",
        "legitimate interests",
        "legal obligation",
        "legal_obligation",
      ].map(parseConsentBasis),
    ).toEqual([
      "consent",
      "contract",
      "legitimate_interest",
      "legitimate_interest",
      "legal_obligation",
      "legal_obligation",
    ]);
    expect(["Legitimate-Interest", "  contractual "].map(parseConsentBasis)).toEqual([
      "legitimate_interest",
      "contract",
    ]);
    expect(["vital interest", "yes", "legal", ""].map(parseConsentBasis)).toEqual([null, null, null, null]);
  });

  it("reads yes and no in their usual spellings", () => {
    expect(["yes", "Y", "TRUE", "1", "x"].map(parseYesNo)).toEqual([true, true, true, true, true]);
    expect(["no", "N", "false", "0"].map(parseYesNo)).toEqual([false, false, false, false]);
    expect(["maybe", "2", "ja", ""].map(parseYesNo)).toEqual([null, null, null, null]);
  });

  it("reads dates as the start of the day in the owner's zone, month first only where that is the custom", () => {
    expect(parseDateCell("2026-02-10", BERLIN)).toEqual(new Date("2026-02-09T23:00:00Z"));
    expect(parseDateCell("2026-02-10", NEW_YORK)).toEqual(new Date("2026-02-10T05:00:00Z"));
    expect(parseDateCell("10.02.2026", BERLIN)).toEqual(new Date("2026-02-09T23:00:00Z"));
    expect(parseDateCell("10/02/2026", BERLIN)).toEqual(new Date("2026-02-09T23:00:00Z"));
    expect(parseDateCell("2/10/2026", NEW_YORK)).toEqual(new Date("2026-02-10T05:00:00Z"));
    expect(parseDateCell("2026-02-10 14:30", BERLIN)).toEqual(new Date("2026-02-10T13:30:00Z"));
    expect(parseDateCell("2026-02-10T14:30:00Z", BERLIN)).toEqual(new Date("2026-02-10T14:30:00Z"));
    expect(parseDateCell("2026-02-10T14:30:00+02:00", NEW_YORK)).toEqual(new Date("2026-02-10T12:30:00Z"));
    for (const bad of ["2026-02-30", "31/31/2026", "yesterday", "10 Feb 2026", "2026-02-10 25:00", "13/10/2026"]) {
      expect(parseDateCell(bad, NEW_YORK), bad).toBeNull();
    }
  });
});

describe("mapRow: consent columns", () => {
  const headers = [
    "Name",
    "Email",
    "Lawful basis",
    "Consent date",
    "Consent source",
    "Marketing consent",
    "Marketing consent date",
  ];
  const mapping = suggestMapping(headers);
  const options = { ...BERLIN, now: new Date("2026-03-01T09:00:00Z") };
  const map = (cells: string[]) => mapRow(["Ada Lovelace", "ada@example.com", ...cells], mapping, options);
  const reason = (result: MapRowResult) => (result.ok ? null : result.reason);

  it("matches the consent columns by their usual headers", () => {
    expect(Object.values(mapping)).toEqual([
      "fullName",
      "email",
      "consentBasis",
      "consentGivenAt",
      "consentSource",
      "marketingConsent",
      "marketingConsentAt",
    ]);
    expect(Object.values(suggestMapping(["Email", "Legal basis", "Accepts Email Marketing", "Opt-in date"]))).toEqual([
      "email",
      "consentBasis",
      "marketingConsent",
      "marketingConsentAt",
    ]);
  });

  it("reads a full consent, and leaves blank cells out", () => {
    expect(map(["Contract", "01.02.2026", "Signed agreement", "yes", "2026-02-15"])).toMatchObject({
      ok: true,
      client: {
        consent: {
          basis: "contract",
          givenAt: new Date("2026-01-31T23:00:00Z"),
          source: "Signed agreement",
          marketing: true,
          marketingAt: new Date("2026-02-14T23:00:00Z"),
        },
      },
    });
    const blank = map(["", "", "", "", ""]);
    expect(blank.ok && blank.client.consent).toEqual({});
    const optOut = map(["Legitimate interest", "", "", "no", ""]);
    expect(optOut.ok && optOut.client.consent).toEqual({ basis: "legitimate_interest", marketing: false });
  });

  it("fails the row with a reason naming the column for each bad value", () => {
    expect(reason(map(["vital interest", "", "", "", ""]))).toBe(
      'Lawful basis "vital interest" must be consent, contract, legitimate interest or legal obligation',
    );
    expect(reason(map(["Consent", "someday", "", "", ""]))).toBe(
      'Consent date "someday" is not a date; write it as YYYY-MM-DD or DD.MM.YYYY',
    );
    expect(reason(map(["Consent", "2026-04-01", "", "", ""]))).toBe('Consent date "2026-04-01" is in the future');
    expect(reason(map(["", "", "", "maybe", ""]))).toBe('Marketing consent "maybe" must be yes or no');
    expect(reason(map(["", "", "", "no", "2026-02-01"]))).toBe(
      "Marketing consent date needs marketing consent (yes) in the same row",
    );
    expect(reason(map(["", "2026-02-01", "", "", ""]))).toBe(
      "Lawful basis is needed in the same row as a consent date",
    );
    expect(reason(map(["Consent", "", "x".repeat(501), "", ""]))).toBe("Consent source must be at most 500 characters");
  });
});
