import { type CountryCode, getCountries } from "libphonenumber-js";

const countries = new Set<string>(getCountries());

export function isPhoneRegion(value: string): value is CountryCode {
  return countries.has(value);
}

export function listPhoneRegions(): CountryCode[] {
  return getCountries();
}
