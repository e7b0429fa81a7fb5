import {
  CLIENT_STATUSES,
  type ClientCreateInput,
  type ClientStatus,
  type ConsentBasis,
  clientCreateInput,
  consentDateProblem,
  isPhoneRegion,
  normalizePhone,
} from "@crm/shared";
import { z } from "zod";
import { dateFormatHint, parseConsentBasis, parseDateCell, parseYesNo } from "./consent-cells";
import { type ImportField, type ImportMapping, mappedColumns, validateMapping } from "./mapping";
import type { CsvDelimiter, CsvRow, ParsedCsv } from "./parse";

/** A client as read from one row, ready for clientCreateInput / createClient (phone in E.164). */
export interface ImportedClient {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  status: ClientStatus;
  tags: string[];
  source: string | null;
  /** Only what the file says: a blank cell leaves its key out (an update then keeps the client's value). */
  consent: ImportedConsent;
}

export interface ImportedConsent {
  basis?: ConsentBasis;
  givenAt?: Date;
  source?: string;
  marketing?: boolean;
  marketingAt?: Date;
}

export type MapRowResult =
  | { ok: true; client: ImportedClient; note: string | null }
  /** `reason` is every problem of the row, joined with "; " (each names its field). */
  | { ok: false; reason: string; problems: string[] };

export interface MapRowOptions {
  /** The user's default phone region (ISO 3166 code such as "US"), for numbers without a +. */
  phoneRegion: string;
  /** The user's time zone: a date without a time is the start of that day there. */
  timeZone: string;
  /** The clock's time: consent dates after it are refused. */
  now: Date;
}

const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 40;
const MAX_NOTE_LENGTH = 20_000;
const emailSchema = z.email();
const STATUS_LIST = `${CLIENT_STATUSES.slice(0, -1).join(", ")} or ${CLIENT_STATUSES.at(-1)}`;
/** Google Contacts puts several values of one kind in one cell: "a@x.com ::: b@x.com". */
const GOOGLE_SEPARATOR = /\s*:::\s*/;

/**
 * Reads one row through the mapping into a client and its note, or says what is wrong, each
 * problem naming its field and value. Blank cells are null; status defaults to active; the phone
 * is stored in E.164; tags are split, lower-cased and deduplicated; a full name is split into first
 * and last name when the row has neither. Where Google packs several emails or phones into one
 * cell, the first is taken.
 */
export function mapRow(values: readonly string[], mapping: ImportMapping, options: MapRowOptions): MapRowResult {
  const columns = mappedColumns(mapping);
  const get = (field: ImportField): string => {
    const column = columns[field];
    return column === undefined ? "" : (values[column] ?? "").trim();
  };
  const problems: string[] = [];

  let firstName = get("firstName");
  let lastName = get("lastName");
  if (!firstName && !lastName) {
    ({ firstName, lastName } = splitFullName(get("fullName")));
  }

  const rawEmail = get("email");
  let email = "";
  if (rawEmail) {
    email = pickEmail(rawEmail);
    if (!emailSchema.safeParse(email).success) {
      problems.push(`Email "${rawEmail}" is not a valid email address`);
      email = "";
    }
  } else if (!firstName && !lastName) {
    problems.push("A name or an email is required");
  }

  let phone: string | null = null;
  const rawPhone = get("phone");
  if (rawPhone) {
    const typed = rawPhone.split(/\s*(?::::|;)\s*/).find((p) => p !== "") ?? rawPhone;
    if (/^[+-]?\d+(?:[.,]\d+)?e\+?\d+$/i.test(typed)) {
      problems.push(
        `Phone "${typed}" was turned into a number by a spreadsheet; format the column as text and export the file again`,
      );
    } else {
      const parsed = normalizePhone(typed, options.phoneRegion);
      if (parsed.ok) phone = parsed.e164;
      else if (!/\d/.test(typed)) problems.push(`Phone "${typed}" has no digits`);
      else {
        const region = isPhoneRegion(options.phoneRegion) ? ` for ${options.phoneRegion}` : "";
        problems.push(`Phone "${typed}" is not a valid phone number${region}; international numbers start with +`);
      }
    }
  }

  let status: ClientStatus = "active";
  const rawStatus = get("status");
  if (rawStatus) {
    const lower = rawStatus.toLowerCase();
    if ((CLIENT_STATUSES as readonly string[]).includes(lower)) status = lower as ClientStatus;
    else problems.push(`Status "${rawStatus}" must be ${STATUS_LIST}`);
  }

  const tags = parseTags(get("tags"));
  for (const tag of tags) {
    if (tag.length > MAX_TAG_LENGTH) problems.push(`Tag "${tag}" is longer than ${MAX_TAG_LENGTH} characters`);
  }
  if (tags.length > MAX_TAGS) problems.push(`Tags: at most ${MAX_TAGS} per client (this row has ${tags.length})`);

  const note = get("notes") || null;
  if (note && note.length > MAX_NOTE_LENGTH) {
    problems.push(`Notes are longer than ${MAX_NOTE_LENGTH.toLocaleString("en-US")} characters`);
  }

  const consent = readConsent(get, options, problems);

  const client: ImportedClient = {
    firstName: firstName || null,
    lastName: lastName || null,
    email: email || null,
    phone,
    company: get("company") || null,
    status,
    tags,
    source: get("source") || null,
    consent,
  };

  if (problems.length === 0) {
    // The same schema as creating a client by hand: lengths and anything added there later.
    const checked = clientCreateInput.safeParse(client satisfies ClientCreateInput);
    if (!checked.success) problems.push(...new Set(checked.error.issues.map((i) => i.message)));
  }
  if (problems.length > 0) return { ok: false, reason: problems.join("; "), problems };
  return { ok: true, client, note };
}

const BASIS_LIST = "consent, contract, legitimate interest or legal obligation";

/** The consent columns of a row; each bad cell adds a problem naming its column's field. */
function readConsent(get: (field: ImportField) => string, options: MapRowOptions, problems: string[]): ImportedConsent {
  const consent: ImportedConsent = {};
  const rawBasis = get("consentBasis");
  if (rawBasis) {
    const basis = parseConsentBasis(rawBasis);
    if (basis) consent.basis = basis;
    else problems.push(`Lawful basis "${rawBasis}" must be ${BASIS_LIST}`);
  }
  const date = (field: "consentGivenAt" | "marketingConsentAt", label: string): Date | undefined => {
    const raw = get(field);
    if (!raw) return undefined;
    const parsed = parseDateCell(raw, options);
    if (!parsed) {
      problems.push(`${label} "${raw}" is not a date; ${dateFormatHint(options.phoneRegion)}`);
      return undefined;
    }
    const future = consentDateProblem(label, parsed, options.now);
    if (future) {
      problems.push(`${label} "${raw}" is in the future`);
      return undefined;
    }
    return parsed;
  };
  const givenAt = date("consentGivenAt", "Consent date");
  if (givenAt) consent.givenAt = givenAt;
  const source = get("consentSource");
  if (source) consent.source = source;
  if ((get("consentGivenAt") || source) && !rawBasis) {
    problems.push(`Lawful basis is needed in the same row as a consent ${get("consentGivenAt") ? "date" : "source"}`);
  }
  const rawMarketing = get("marketingConsent");
  if (rawMarketing) {
    const marketing = parseYesNo(rawMarketing);
    if (marketing === null) problems.push(`Marketing consent "${rawMarketing}" must be yes or no`);
    else consent.marketing = marketing;
  }
  const marketingAt = date("marketingConsentAt", "Marketing consent date");
  if (marketingAt) {
    if (consent.marketing === true) consent.marketingAt = marketingAt;
    else if (consent.marketing === false || !rawMarketing) {
      problems.push("Marketing consent date needs marketing consent (yes) in the same row");
    }
  }
  return consent;
}

/** "Ada Lovelace" → Ada / Lovelace; "Lovelace, Ada" → Ada / Lovelace; "Ada King Lovelace" → Ada / King Lovelace. */
export function splitFullName(fullName: string): { firstName: string; lastName: string } {
  const name = fullName.trim().replace(/\s+/g, " ");
  const comma = name.split(",");
  if (comma.length === 2 && comma[0]?.trim() && comma[1]?.trim()) {
    return { firstName: comma[1].trim(), lastName: comma[0].trim() };
  }
  const space = name.indexOf(" ");
  if (space === -1) return { firstName: name, lastName: "" };
  return { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
}

/**
 * Tags from a cell: split on commas, semicolons (Outlook categories) and " ::: " (Google labels),
 * lower-cased, deduplicated. Google's system group "* myContacts" is dropped and the "* " of its
 * other system labels ("* starred") removed.
 */
export function parseTags(cell: string): string[] {
  const tags = new Set<string>();
  for (const part of cell.split(/\s*:::\s*|[,;]/)) {
    const label = part.trim();
    if (/^\*\s*my\s*contacts$/i.test(label) || /^system group:\s*my contacts$/i.test(label)) continue;
    const tag = label
      .replace(/^\*\s*/, "")
      .trim()
      .toLowerCase();
    if (tag) tags.add(tag);
  }
  return [...tags];
}

function pickEmail(cell: string): string {
  const first = cell.split(GOOGLE_SEPARATOR).find((p) => p.trim() !== "") ?? cell;
  // "Ada Lovelace <ada@example.com>", "mailto:ada@example.com"
  const bracketed = /<([^<>]+)>/.exec(first)?.[1] ?? first;
  return bracketed.trim().replace(/^mailto:/i, "");
}

/**
 * Lines of the rows whose email (any case) already appeared on an earlier line; rows without an
 * email never count. Pass the rows' mapped emails (client.email from mapRow).
 */
export function findInFileDuplicates(rows: readonly { line: number; email?: string | null }[]): number[] {
  return [...duplicateOf(rows).keys()].sort((a, b) => a - b);
}

function duplicateOf(rows: readonly { line: number; email?: string | null }[]): Map<number, number> {
  const firstLine = new Map<string, number>();
  const duplicates = new Map<number, number>();
  for (const row of [...rows].sort((a, b) => a.line - b.line)) {
    const key = row.email?.trim().toLowerCase();
    if (!key) continue;
    const earlier = firstLine.get(key);
    if (earlier === undefined) firstLine.set(key, row.line);
    else duplicates.set(row.line, earlier);
  }
  return duplicates;
}

export interface PreviewRow {
  line: number;
  values: string[];
  /** The client the row would create, or null when it has problems. */
  client: ImportedClient | null;
  note: string | null;
  /** Why the row would fail, each naming its field; empty for a valid row. */
  problems: string[];
  /** Set when a valid row's email is already on an earlier line of the file. */
  duplicateOfLine: number | null;
}

export interface ImportPreview {
  headers: string[];
  /** validateMapping's message; when set, every row fails for want of a name or email. */
  mappingError: string | null;
  rows: PreviewRow[];
  counts: {
    /** Data rows in the file (0: the file has only a header row). */
    rows: number;
    /** Rows that map to a client (including in-file duplicates). */
    valid: number;
    invalid: number;
    /** Valid rows whose email is already on an earlier line. */
    duplicates: number;
  };
}

/**
 * Maps every row (the counts cover the whole file) and returns the first `limit` (default 20)
 * with their client, note and problems, for the preview before the import starts.
 */
export function summarizePreview(
  parsed: Pick<ParsedCsv, "headers" | "rows">,
  mapping: ImportMapping,
  options: MapRowOptions & { limit?: number },
): ImportPreview {
  const limit = options.limit ?? 20;
  const results = parsed.rows.map((row) => ({ row, result: mapRow(row.values, mapping, options) }));
  const duplicates = duplicateOf(
    results.flatMap(({ row, result }) => (result.ok ? [{ line: row.line, email: result.client.email }] : [])),
  );
  const valid = results.filter(({ result }) => result.ok).length;
  return {
    headers: parsed.headers,
    mappingError: validateMapping(mapping, parsed.headers),
    rows: results.slice(0, limit).map(({ row, result }) => ({
      line: row.line,
      values: row.values,
      client: result.ok ? result.client : null,
      note: result.ok ? result.note : null,
      problems: result.ok ? [] : result.problems,
      duplicateOfLine: duplicates.get(row.line) ?? null,
    })),
    counts: { rows: parsed.rows.length, valid, invalid: parsed.rows.length - valid, duplicates: duplicates.size },
  };
}

export interface FailedRow extends CsvRow {
  reason: string;
}

/**
 * The rows that failed, as a CSV for the user to download, fix and import again: the original
 * columns, then "Problem" and "Line". Values are quoted when they need it (delimiter, quote,
 * newline, surrounding spaces); lines end in CRLF. By default it starts with a UTF-8 BOM so that
 * Excel reads accented letters right (decodeCsvBytes and csv-parse's `bom` option strip it). A file
 * that already ends in Problem and Line columns (a second attempt) keeps only the new ones.
 */
export function failedRowsCsv(
  headers: readonly string[],
  failures: readonly FailedRow[],
  options: { delimiter?: CsvDelimiter; bom?: boolean } = {},
): string {
  const delimiter = options.delimiter ?? ",";
  const reimported = headers.length >= 2 && headers.at(-2) === "Problem" && headers.at(-1) === "Line";
  const width = reimported ? headers.length - 2 : headers.length;
  const line = (fields: readonly string[]) => fields.map((f) => csvField(f, delimiter)).join(delimiter);
  const out = [line([...headers.slice(0, width), "Problem", "Line"])];
  for (const failure of [...failures].sort((a, b) => a.line - b.line)) {
    const values = Array.from({ length: width }, (_, i) => failure.values[i] ?? "");
    out.push(line([...values, failure.reason, String(failure.line)]));
  }
  return `${options.bom === false ? "" : "\uFEFF"}${out.join("\r\n")}\r\n`;
}

function csvField(value: string, delimiter: string): string {
  const needsQuotes =
    value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim() || value.startsWith("\uFEFF");
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}
