/** Excel reads a CSV as UTF-8 only when it starts with the byte-order mark. */
export const CSV_BOM = "\uFEFF";

// A spreadsheet runs a cell starting with one of these as a formula (CSV injection): "=HYPERLINK(…)"
// typed into a client's name must arrive as text. Tab and carriage return start formulas in some too.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One value as a spreadsheet cell: dates as ISO 8601, lists joined with "; ", objects as JSON. */
export function csvValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number"))
    return value.join("; ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Quotes a cell when it must (RFC 4180) and defuses formulas with a leading apostrophe. */
export function csvCell(value: unknown): string {
  let text = csvValue(value);
  // A number stays a number (-3 is not a formula); anything typed by a person is defused.
  if (typeof value !== "number" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV line ending in CRLF, as RFC 4180 and spreadsheets expect. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
