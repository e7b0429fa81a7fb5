import { z } from "zod";
import { clientListInput, idSchema } from "./clients";

/** privacy.exportStatus: one export of the signed-in owner. */
export const exportStatusInput = z.object({ id: idSchema });

/** privacy.exportClient: everything held about one client, as JSON. */
export const exportClientInput = z.object({ clientId: idSchema });

/**
 * GET /api/v1/clients.csv: the Clients page's filter as query parameters (the same names and rules as
 * clients.list, without paging: the file holds every match).
 */
export const clientsCsvQuery = clientListInput
  .unwrap()
  .pick({ sort: true, status: true, stageId: true, tag: true, query: true, consent: true })
  .extend({
    // A query string carries text: "true" or "false", as the list's boolean.
    marketing: z
      .enum(["true", "false"], { error: "Marketing filter must be true or false" })
      .transform((value) => value === "true")
      .optional(),
  });
export type ClientsCsvQuery = z.input<typeof clientsCsvQuery>;
