import { listPhoneRegions, listTimeZones } from "@crm/shared";
import type { ComboboxOption } from "../components/ui/combobox";
import { zoneOffset } from "./time";

let zoneCache: ComboboxOption[] | undefined;

/** Every IANA zone this browser knows, with its current offset, for a searchable picker. */
export function timeZoneOptions(current?: string): ComboboxOption[] {
  if (!zoneCache) {
    const now = new Date();
    zoneCache = listTimeZones().map((zone) => {
      const offset = zoneOffset(zone, now);
      return { value: zone, label: zone.replaceAll("_", " "), detail: offset, keywords: offset };
    });
  }
  if (current && !zoneCache.some((o) => o.value === current)) {
    return [
      { value: current, label: current.replaceAll("_", " "), detail: zoneOffset(current, new Date()) },
      ...zoneCache,
    ];
  }
  return zoneCache;
}

let regionCache: { code: string; name: string }[] | undefined;

/** Country codes for phone numbers, named in English and sorted by name. */
export function phoneRegionOptions(): { code: string; name: string }[] {
  if (!regionCache) {
    let names: Intl.DisplayNames | undefined;
    try {
      names = new Intl.DisplayNames(["en"], { type: "region" });
    } catch {
      names = undefined;
    }
    regionCache = listPhoneRegions()
      .map((code) => ({ code, name: names?.of(code) ?? code }))
      .sort((a, b) => a.name.localeCompare(b.name, "en"));
  }
  return regionCache;
}
