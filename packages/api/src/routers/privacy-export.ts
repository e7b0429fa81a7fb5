import { exportClient, getExportStatus, latestExportStatus, requestAccountExport } from "@crm/core";
import { exportClientInput, exportStatusInput } from "@crm/shared";
import { authedProcedure } from "../trpc";

/**
 * privacy.exportAccount, exportStatus, exportClient. The account's zip is built by a job and
 * downloaded from GET /api/v1/exports/<id> (apps/server), only by its owner, for 24 hours.
 */
export const privacyExportProcedures = {
  /** Starts an export of everything (or answers the one already under way). */
  exportAccount: authedProcedure.mutation(({ ctx }) => requestAccountExport(ctx)),
  exportStatus: authedProcedure.input(exportStatusInput).query(({ ctx, input }) => getExportStatus(ctx, input.id)),
  /** The most recent export, so Settings shows it after a reload; null when none is kept. */
  latestExport: authedProcedure.query(({ ctx }) => latestExportStatus(ctx)),
  /** Everything held about one client, as one JSON object (an access request). */
  exportClient: authedProcedure.input(exportClientInput).query(({ ctx, input }) => exportClient(ctx, input.clientId)),
};
