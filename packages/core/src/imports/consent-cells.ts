import { CONSENT_BASES, type ConsentBasis, startOfLocalDay, wallClockToInstant } from "@crm/shared";

/** How people write the bases in spreadsheets, normalised by `words` ("Legitimate-Interests" → "legitimate interests"). */
const BASIS_SPELLINGS: Record<string, ConsentBasis> = {
  consent: "consent",
  "explicit consent": "consent",
  "consent given": "consent",
  contract: "contract",
  contractual: "contract",
  "contractual necessity": "contract",
  "performance of a contract": "contract",
  "legitimate interest": "legitimate_interest",
  "legitimate interests": "legitimate_interest",
  "legal obligation": "legal_obligation",
  "legal obligations": "legal_obligation",
};

function words(cell: string): string {
  return cell
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
}

/** A lawful basis from a cell ("Legitimate interest", "legal_obligation", "CONTRACT"), or null when it is none. */
export function parseConsentBasis(cell: string): ConsentBasis | null {
  const key = words(cell);
  if ((CONSENT_BASES as readonly string[]).includes(key.replaceAll(" ", "_")))
    return key.replaceAll(" ", "_") as ConsentBasis;
  return BASIS_SPELLINGS[key] ?? null;
}

const YES = new Set(["yes", "y", "true", "1", "x"]);
const NO = new Set(["no", "n", "false", "0"]);

/** yes/no, true/false, 1/0, y/n (any case; "x" as a ticked box is yes), or null when it is none of these. */
export function parseYesNo(cell: string): boolean | null {
  const key = cell.trim().toLowerCase();
  if (YES.has(key)) return true;
  if (NO.has(key)) return false;
  return null;
}

/** Regions whose spreadsheets write dates month first (3/14/2026). */
const MONTH_FIRST_REGIONS = new Set(["US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI", "UM"]);

/**
 * A date from a cell, or null when it is not one. ISO dates (2026-03-14, with an optional time;
 * without an offset the time is the owner's), and day.month.year or day/month/year — month first
 * for the owner's phone region where that is the custom (the US). A date without a time is the
 * start of that day in the owner's time zone.
 */
export function parseDateCell(cell: string, options: { phoneRegion: string; timeZone: string }): Date | null {
  const value = cell.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
    value,
  );
  if (iso) {
    const [, y, m, d, hh, mm, , offset] = iso;
    const day = `${y}-${m}-${d}`;
    const start = startOfLocalDay(day, options.timeZone);
    if (!start) return null;
    if (hh === undefined) return start;
    if (offset) {
      const at = new Date(value.replace(" ", "T"));
      return Number.isNaN(at.getTime()) ? null : at;
    }
    const local = wallClockToInstant(`${day}T${hh}:${mm}`, options.timeZone);
    return local.ok ? local.instant : null;
  }
  const parts = /^(\d{1,2})([./])(\d{1,2})\2(\d{4})$/.exec(value);
  if (!parts) return null;
  const [, a, separator, b, y] = parts;
  const monthFirst = separator === "/" && MONTH_FIRST_REGIONS.has(options.phoneRegion.toUpperCase());
  const [month, day] = monthFirst ? [a!, b!] : [b!, a!];
  return startOfLocalDay(`${y}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`, options.timeZone);
}

/** How a date cell should be written, for a problem message. */
export function dateFormatHint(phoneRegion: string): string {
  return MONTH_FIRST_REGIONS.has(phoneRegion.toUpperCase())
    ? "write it as YYYY-MM-DD or MM/DD/YYYY"
    : "write it as YYYY-MM-DD or DD.MM.YYYY";
}
