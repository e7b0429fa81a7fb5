export { type ExportProgress, writeAccountExport } from "./build";
export { type ClientExport, exportClient } from "./client";
export { clientsCsv } from "./clients-csv";
export { CSV_BOM, csvCell, csvLine } from "./csv";
export { EXPORT_LINK_TTL_MS, exportAccountJob, runAccountExport } from "./job";
export { EXPORT_KINDS } from "./kinds";
export {
  type ExportDownload,
  type ExportStatus,
  exportDownloadPath,
  getExportStatus,
  latestExportStatus,
  openExportDownload,
  requestAccountExport,
} from "./status";
export { type ByteSink, ZipWriter } from "./zip";
