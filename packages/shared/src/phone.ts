import { type CountryCode, getCountries, parsePhoneNumberFromString } from "libphonenumber-js";

const countries = new Set<string>(getCountries());

export function isPhoneRegion(value: string): value is CountryCode {
  return countries.has(value);
}

export function listPhoneRegions(): CountryCode[] {
  return getCountries();
}

export type PhoneParse = { ok: true; e164: string } | { ok: false; message: string };

/**
 * Reads a phone number as a person types it: national format in their default region
 * ("(415) 555-2671" in US) or international ("+49 30 901820"). Returns E.164, or why not.
 */
export function normalizePhone(input: string, defaultRegion: string): PhoneParse {
  const trimmed = input.trim();
  if (!/\d/.test(trimmed)) return { ok: false, message: "Enter a phone number with digits" };
  const region = isPhoneRegion(defaultRegion) ? defaultRegion : undefined;
  const parsed = parsePhoneNumberFromString(trimmed, region);
  if (!parsed?.isValid()) {
    const international = trimmed.startsWith("+") || trimmed.startsWith("00");
    return {
      ok: false,
      message: international
        ? `"${trimmed}" is not a valid phone number`
        : `"${trimmed}" is not a valid phone number${region ? ` for ${region}` : ""}; international numbers start with +`,
    };
  }
  return { ok: true, e164: parsed.number };
}

/** National format for numbers of the user's region, international for the rest. */
export function formatPhone(e164: string | null | undefined, userRegion: string): string {
  if (!e164) return "";
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === userRegion ? parsed.formatNational() : parsed.formatInternational();
}

/**
 * The digits a search for a phone number should look for, whatever the spelling: the E.164 digits
 * when the text parses as a number in the region, else the bare digits typed.
 */
export function phoneSearchDigits(query: string, region: string): string[] {
  const digits = query.replace(/\D/g, "");
  if (digits.length < 3 || /[a-z]/i.test(query)) return [];
  const out = new Set<string>([digits]);
  const parsed = normalizePhone(query, region);
  if (parsed.ok) {
    out.add(parsed.e164.slice(1));
  }
  return [...out];
}
