/**
 * A PostgreSQL array literal for uuids and integers (drizzle's sql`` would spread a JS array into
 * a parameter list). Only for values with no quotes, commas or braces, which the callers guarantee.
 */
export function pgArray(values: readonly (string | number)[]): string {
  for (const v of values) {
    if (typeof v === "string" && !/^[0-9a-zA-Z-]+$/.test(v)) throw new Error("pgArray: unsafe element");
  }
  return `{${values.join(",")}}`;
}
