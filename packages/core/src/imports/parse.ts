import { CsvError, parse } from "csv-parse/sync";
import { ImportFileError } from "./errors";

export const CSV_DELIMITERS = [",", ";", "\t"] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export interface CsvRow {
  /** 1-based line of the file where the record starts (a quoted value may span several lines). */
  line: number;
  /** One value per header: short rows are padded with "", values past the last header dropped. */
  values: string[];
}

export interface ParsedCsv {
  headers: string[];
  rows: CsvRow[];
  delimiter: CsvDelimiter;
  /** User-facing notes about the file that did not stop the import (e.g. rows with extra columns). */
  warnings: string[];
}

const SAMPLE_RECORDS = 20;
const SAMPLE_CHARS = 64 * 1024;

/**
 * Guesses the field delimiter from the first records: comma, semicolon (Excel in most of Europe)
 * or tab. Delimiters inside quotes are not counted. The winner appears in the header row and the
 * same number of times on the most following records; ties go to the one appearing most in the
 * header, then to comma. A single-column file is read with comma.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = sampleDelimiterCounts(text);
  const header = counts[0];
  if (!header) return ",";
  const rest = counts.slice(1);
  let best: { delimiter: CsvDelimiter; consistent: number; inHeader: number } | null = null;
  for (const delimiter of CSV_DELIMITERS) {
    const inHeader = header[delimiter];
    if (inHeader === 0) continue;
    const consistent = rest.filter((c) => c[delimiter] === inHeader).length;
    if (!best || consistent > best.consistent || (consistent === best.consistent && inHeader > best.inHeader)) {
      best = { delimiter, consistent, inHeader };
    }
  }
  return best?.delimiter ?? ",";
}

type DelimiterCounts = Record<CsvDelimiter, number>;

function sampleDelimiterCounts(text: string): DelimiterCounts[] {
  const records: DelimiterCounts[] = [];
  let current: DelimiterCounts = { ",": 0, ";": 0, "\t": 0 };
  let nonBlank = false;
  let inQuotes = false;
  const end = Math.min(text.length, SAMPLE_CHARS);
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < end; i++) {
    const ch = text[i];
    if (ch === '"') {
      // An escaped quote ("") toggles twice, which leaves the state as it was.
      inQuotes = !inQuotes;
      nonBlank = true;
    } else if (inQuotes) {
      // Delimiters and newlines inside quotes are data.
    } else if (ch === "\n" || ch === "\r") {
      if (nonBlank) records.push(current);
      if (records.length >= SAMPLE_RECORDS) return records;
      current = { ",": 0, ";": 0, "\t": 0 };
      nonBlank = false;
    } else if (ch === "," || ch === ";" || ch === "\t") {
      current[ch]++;
      nonBlank = true;
    } else if (ch !== " ") {
      nonBlank = true;
    }
  }
  // The last record, unless the sample cut it short (then its counts would mislead).
  if (nonBlank && end === text.length) records.push(current);
  return records;
}

/**
 * Parses CSV text (from decodeCsvBytes) into trimmed headers and rows with the line each starts
 * on. Quoted values may hold delimiters, doubled quotes and newlines (normalised to "\n"). Blank
 * lines and rows whose values are all empty (",,,," as spreadsheets write them) are skipped.
 * A header row alone gives zero rows. A malformed file throws ImportFileError naming the line.
 */
export function parseCsv(text: string, options: { delimiter?: CsvDelimiter } = {}): ParsedCsv {
  // One newline convention, so csv-parse counts lines right (it miscounts after the first CRLF
  // record) and so multi-line values read the same whatever wrote the file.
  const normalized = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, "\n");
  const delimiter = options.delimiter ?? detectDelimiter(normalized);

  let lastRecordEndLine = 0;
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes as { record, info } (the sync typings do not say so).
    records = parse(normalized, {
      delimiter,
      record_delimiter: "\n",
      info: true,
      relax_column_count: true,
      // A quote inside an unquoted value (5'11", The "Boss") is kept as text.
      relax_quotes: true,
      // Whitespace around values and around quoted values; never inside quotes.
      trim: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        lastRecordEndLine = context.lines;
        return record;
      },
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) {
      throw toImportFileError(error, firstNonBlankLineAfter(normalized, lastRecordEndLine));
    }
    throw error;
  }

  const nonBlank = records
    .map(({ record, info }) => ({
      values: record,
      // info.lines is the line where the record ends; embedded newlines lead back to its start.
      line: info.lines - record.reduce((n, value) => n + countNewlines(value), 0),
    }))
    .filter((r) => r.values.some((v) => v !== ""));

  const [headerRecord, ...dataRecords] = nonBlank;
  if (!headerRecord) throw new ImportFileError("The file is empty");
  const headers = headerRecord.values.map((h) => h.trim());
  const width = headers.length;

  let longRows = 0;
  let firstLongLine = 0;
  const rows = dataRecords.map(({ line, values }) => {
    if (values.length > width && values.slice(width).some((v) => v !== "")) {
      longRows++;
      firstLongLine ||= line;
    }
    const fitted = values.slice(0, width);
    while (fitted.length < width) fitted.push("");
    return { line, values: fitted };
  });

  const warnings: string[] = [];
  if (longRows > 0) {
    warnings.push(
      longRows === 1
        ? `Line ${firstLongLine} has more values than there are columns in the header row; the extra values were ignored. Check for an unquoted ${describeDelimiter(delimiter)} in a value.`
        : `${longRows} rows have more values than there are columns in the header row (the first on line ${firstLongLine}); the extra values were ignored. Check for an unquoted ${describeDelimiter(delimiter)} in a value.`,
    );
  }
  return { headers, rows, delimiter, warnings };
}

export function describeDelimiter(delimiter: CsvDelimiter): string {
  return delimiter === "," ? "comma" : delimiter === ";" ? "semicolon" : "tab";
}

function countNewlines(value: string): number {
  let n = 0;
  for (let i = value.indexOf("\n"); i !== -1; i = value.indexOf("\n", i + 1)) n++;
  return n;
}

/** The line a record that failed to parse starts on: the first non-blank line after the last good one. */
function firstNonBlankLineAfter(text: string, line: number): number {
  const lines = text.split("\n");
  for (let i = line; i < lines.length; i++) {
    if (lines[i]?.trim()) return i + 1;
  }
  return line + 1;
}

function toImportFileError(error: CsvError, line: number): ImportFileError {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return new ImportFileError(
        `Line ${line}: a quoted value is never closed (a " is missing), so the rest of the file cannot be read. Check the quotes on that line.`,
        { line },
      );
    case "CSV_INVALID_CLOSING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return new ImportFileError(
        `Line ${line}: text follows a closing quote. A quote inside a quoted value must be doubled ("").`,
        { line },
      );
    case "CSV_MAX_RECORD_SIZE":
      return new ImportFileError(
        `Line ${line}: the row is too long to be a contact. Check the quotes and the delimiter on that line.`,
        { line },
      );
    default:
      return new ImportFileError(`Line ${line}: the file is not valid CSV (${error.message}).`, { line });
  }
}
