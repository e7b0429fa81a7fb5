import { type DecodedCsv, decodeCsvBytes } from "./decode";
import { type CsvDelimiter, type ParsedCsv, parseCsv } from "./parse";

export interface ImportFile extends ParsedCsv {
  encoding: DecodedCsv["encoding"];
  hadBom: boolean;
}

/**
 * decodeCsvBytes then parseCsv: the uploaded bytes as headers and rows, with the warnings of both
 * steps. Throws ImportFileError for a file that cannot be read.
 */
export function readImportFile(bytes: Uint8Array, options: { delimiter?: CsvDelimiter } = {}): ImportFile {
  const decoded = decodeCsvBytes(bytes);
  const parsed = parseCsv(decoded.text, options);
  return {
    ...parsed,
    encoding: decoded.encoding,
    hadBom: decoded.hadBom,
    warnings: [...decoded.warnings, ...parsed.warnings],
  };
}
