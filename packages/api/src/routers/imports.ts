import { cancelImport, failedRowsFile, getImport, listImports, previewImport, startImport } from "@crm/core";
import { byIdInput, importPreviewInput, importStartInput } from "@crm/shared";
import { authedProcedure, router } from "../trpc";

/** CSV import. The file itself is uploaded to POST /api/v1/imports (raw body, up to 10 MB). */
export const importsRouter = router({
  /** Headers, mapping, preview rows with their problems, and rows matching existing clients. */
  preview: authedProcedure.input(importPreviewInput).query(({ ctx, input }) => previewImport(ctx, input)),
  start: authedProcedure.input(importStartInput).mutation(({ ctx, input }) => startImport(ctx, input)),
  get: authedProcedure.input(byIdInput).query(({ ctx, input }) => getImport(ctx, input.id)),
  cancel: authedProcedure.input(byIdInput).mutation(({ ctx, input }) => cancelImport(ctx, input.id)),
  list: authedProcedure.query(({ ctx }) => listImports(ctx)),
  /** The rows that failed, with a Problem column, as a CSV download. */
  failedRows: authedProcedure.input(byIdInput).query(({ ctx, input }) => failedRowsFile(ctx, input.id)),
});
