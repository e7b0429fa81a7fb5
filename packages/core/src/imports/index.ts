export {
  type DecodedCsv,
  decodeCsvBytes,
  type ImportEncoding,
  LATIN1_WARNING,
  MAX_IMPORT_BYTES,
} from "./decode";
export { ImportFileError } from "./errors";
export { runImportJob, settleOrphanImportsJob } from "./jobs";
export {
  IMPORT_FIELD_LABELS,
  IMPORT_FIELDS,
  type ImportField,
  type ImportMapping,
  importMappingSchema,
  mappedColumns,
  normalizeHeader,
  suggestMapping,
  validateMapping,
} from "./mapping";
export { IMPORT_STALE_MS, ORPHAN_REASON, settleOrphanImports } from "./orphans";
export {
  CSV_DELIMITERS,
  type CsvDelimiter,
  type CsvRow,
  describeDelimiter,
  detectDelimiter,
  type ParsedCsv,
  parseCsv,
} from "./parse";
export { type ImportFile, readImportFile } from "./read";
export {
  type FailedRow,
  failedRowsCsv,
  findInFileDuplicates,
  type ImportedClient,
  type ImportPreview,
  type MapRowOptions,
  type MapRowResult,
  mapRow,
  type PreviewRow,
  parseTags,
  splitFullName,
  summarizePreview,
} from "./rows";
export { IMPORT_BATCH_SIZE, ImportAborted, runImport } from "./run";
export * from "./service";
export { getImport, type ImportStatusView, listImports } from "./status";
