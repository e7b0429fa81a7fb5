/** privacy.exportAccount, exportStatus, exportClient. */
export const privacyExportProcedures = {};
