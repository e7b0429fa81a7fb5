import { CLIENT_STATUSES } from "@crm/shared";
import { z } from "zod";
import { DomainError } from "../errors";

/**
 * Opaque page cursors: base64url JSON of the sort they belong to and the last row's keys. A cursor
 * comes back from the browser, so it is checked like any input: its keys are cast in SQL, and a value
 * PostgreSQL refuses would answer 500 instead of 400.
 */
export interface Cursor {
  sort: string;
  values: string[];
}

export const INVALID_CURSOR = "Invalid cursor";

function invalidCursor(): DomainError {
  return new DomainError("VALIDATION", INVALID_CURSOR, { field: "cursor" });
}

/** PostgreSQL's ISO text of a timestamptz ("2026-03-01 09:00:00.123456+00"), a date that exists. */
const TIMESTAMPTZ_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(?:Z|[+-]\d{2}(?::?\d{2}){0,2})$/;

function isTimestamptzText(text: string): boolean {
  const parts = TIMESTAMPTZ_TEXT.exec(text);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [number, ...number[]];
  const date = new Date(Date.UTC(year, month! - 1, day, hour, minute, second));
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    hour! < 24 &&
    minute! < 60 &&
    second! < 60
  );
}

/** The kinds of key a cursor carries, each as PostgreSQL will accept it. */
export const cursorKey = {
  uuid: z.uuid(),
  timestamptz: z.string().max(40).refine(isTimestamptzText),
  // Text keys (a sort name) are bounded by the longest name or email; PostgreSQL text has no NUL.
  text: z
    .string()
    .max(600)
    .refine((s) => !s.includes("\u0000")),
  clientStatus: z.enum(CLIENT_STATUSES),
  /** A row offset (search pages), as decimal digits. */
  offset: (max: number) =>
    z
      .string()
      .regex(/^\d{1,9}$/)
      .transform(Number)
      .refine((n) => n <= max),
};

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, ...cursor.values])).toString("base64url");
}

/**
 * The keys of a cursor made for `expectedSort`, checked against `keys` (a tuple schema, one entry per
 * key). Anything else (not base64url JSON, another sort, wrong count or values) is a VALIDATION
 * error on the field `cursor`.
 */
export function decodeCursor<S extends z.ZodType>(raw: string, expectedSort: string, keys: S): z.output<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed[0] !== expectedSort) throw invalidCursor();
  const values = keys.safeParse(parsed.slice(1));
  if (!values.success) throw invalidCursor();
  return values.data;
}
