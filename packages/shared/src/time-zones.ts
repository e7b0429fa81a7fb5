/**
 * Current names for zones that ICU still lists under an old spelling (Chromium and Node list
 * "Asia/Calcutta" and "Asia/Katmandu"); people search for the names they know.
 */
const CURRENT_NAMES: Record<string, string> = {
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Asia/Rangoon": "Asia/Yangon",
  "Europe/Kiev": "Europe/Kyiv",
  "America/Godthab": "America/Nuuk",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Pacific/Truk": "Pacific/Chuuk",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
};

/** IANA zone names this runtime knows, under their current names, plus UTC. */
export function listTimeZones(): string[] {
  const zones = new Set<string>(["UTC"]);
  for (const zone of Intl.supportedValuesOf("timeZone")) {
    const current = CURRENT_NAMES[zone];
    zones.add(current && isValidTimeZone(current) ? current : zone);
  }
  return [...zones].sort((a, b) => (a === "UTC" ? -1 : b === "UTC" ? 1 : a.localeCompare(b)));
}

export function isValidTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    // Offsets like "+05:00" are accepted by Intl but are not IANA zone names.
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone);
  } catch {
    return false;
  }
}
