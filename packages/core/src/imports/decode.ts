import { ImportFileError } from "./errors";

export { ImportFileError } from "./errors";

/** Largest file the import accepts: 10 MB (a few hundred thousand contacts). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/**
 * utf-16le/utf-16be only for files that announce themselves with a byte order mark, or that are
 * unmistakably UTF-16 (every other byte NUL): Excel's "Unicode Text" and some older contact exports.
 */
export type ImportEncoding = "utf-8" | "windows-1252" | "utf-16le" | "utf-16be";

export interface DecodedCsv {
  text: string;
  encoding: ImportEncoding;
  hadBom: boolean;
  warnings: string[];
}

export const LATIN1_WARNING =
  "The file is not UTF-8; read it as Latin-1 (Windows-1252). Check accented letters in the preview.";

const EMPTY = "The file is empty";
const NOT_CSV = "This is not a CSV file";

/**
 * Turns the uploaded bytes into text: UTF-8 (BOM stripped) when they are valid UTF-8, else
 * Windows-1252 with a warning (what Excel and Outlook write on Western-European Windows).
 * Refuses files that are too large, empty, or binary with an ImportFileError.
 */
export function decodeCsvBytes(bytes: Uint8Array): DecodedCsv {
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw new ImportFileError("The file is larger than 10 MB");
  if (bytes.byteLength === 0) throw new ImportFileError(EMPTY);

  const utf16 = detectUtf16(bytes);
  if (utf16) {
    const body = bytes.subarray(utf16.hadBom ? 2 : 0);
    const text = new TextDecoder(utf16.encoding, { ignoreBOM: true }).decode(body);
    if (text.trim() === "") throw new ImportFileError(EMPTY);
    if (controlCharacterRatio(text) > 0.01 || text.includes("\u0000")) throw new ImportFileError(NOT_CSV);
    return checkText({ text, encoding: utf16.encoding, hadBom: utf16.hadBom, warnings: [] });
  }

  const hadBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hadBom ? bytes.subarray(3) : bytes;
  if (isBlank(body)) throw new ImportFileError(EMPTY);
  refuseBinary(body);

  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
    return checkText({ text, encoding: "utf-8", hadBom, warnings: [] });
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    // Not UTF-8. Every byte is a character in Windows-1252, so this cannot fail; the binary check
    // above already refused what is not text.
    const text = new TextDecoder("windows-1252").decode(body);
    return checkText({ text, encoding: "windows-1252", hadBom, warnings: [LATIN1_WARNING] });
  }
}

function checkText(decoded: DecodedCsv): DecodedCsv {
  if (/^\s*BEGIN:VCARD/i.test(decoded.text.slice(0, 200))) {
    throw new ImportFileError(
      "This is a vCard (.vcf) file, not a CSV file. Export your contacts as CSV (in Google Contacts: Export › Google CSV) and import that file.",
    );
  }
  return decoded;
}

function detectUtf16(bytes: Uint8Array): { encoding: "utf-16le" | "utf-16be"; hadBom: boolean } | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", hadBom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", hadBom: true };
  // Without a BOM: ASCII text in UTF-16 has a NUL in every other byte, and nowhere else.
  const sample = bytes.subarray(0, Math.min(bytes.byteLength, 4096) & ~1);
  if (sample.byteLength < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample.byteLength; i += 2) {
    if (sample[i] === 0) evenNul++;
    if (sample[i + 1] === 0) oddNul++;
  }
  const pairs = sample.byteLength / 2;
  if (oddNul > pairs * 0.9 && evenNul === 0) return { encoding: "utf-16le", hadBom: false };
  if (evenNul > pairs * 0.9 && oddNul === 0) return { encoding: "utf-16be", hadBom: false };
  return null;
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    // space, tab, LF, VT, FF, CR
    if (b !== 0x20 && (b < 0x09 || b > 0x0d)) return false;
  }
  return true;
}

function refuseBinary(bytes: Uint8Array): void {
  const startsWith = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (startsWith(0x50, 0x4b, 0x03, 0x04) || startsWith(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    throw new ImportFileError(
      `${NOT_CSV}: it looks like an Excel workbook or a ZIP archive. In Excel, choose File › Save As › CSV UTF-8; from a ZIP archive, extract the CSV file first.`,
    );
  }
  if (bytes.indexOf(0) !== -1) throw new ImportFileError(NOT_CSV);
  let control = 0;
  for (const b of bytes) {
    // C0 controls other than tab, LF, VT, FF, CR and the DOS end-of-file mark (0x1a), and DEL.
    if ((b < 0x20 && (b < 0x09 || b > 0x0d) && b !== 0x1a) || b === 0x7f) control++;
  }
  if (control > bytes.byteLength * 0.01) throw new ImportFileError(NOT_CSV);
}

function controlCharacterRatio(text: string): number {
  if (text.length === 0) return 0;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && (c < 0x09 || c > 0x0d)) || c === 0x7f) control++;
  }
  return control / text.length;
}
