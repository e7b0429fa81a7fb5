import { Readable } from "node:stream";
import { assertWithinBudget, type HttpContextFactory } from "@crm/api";
import { clientsCsv, DomainError, openExportDownload, parseInput } from "@crm/core";
import { clientsCsvQuery, exportStatusInput, messages } from "@crm/shared";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { refuseNulCharacters } from "./errors";

export interface ExportsOptions {
  createContext: HttpContextFactory;
}

/**
 * Downloads that belong to the signed-in owner and are read with the session cookie (a link the
 * browser follows): the account export's zip and the Clients page's CSV. Both stream: the zip chunk by
 * chunk from the database, the CSV page by page from the list.
 */
export const exportsPlugin: FastifyPluginAsync<ExportsOptions> = async (scope, { createContext }) => {
  scope.addHook("preValidation", refuseNulCharacters);

  async function signedIn(request: FastifyRequest, reply: FastifyReply) {
    const ctx = await createContext({ req: request, res: reply });
    await assertWithinBudget(ctx);
    if (!ctx.user) throw new DomainError("UNAUTHENTICATED", messages.signInRequired);
    return { ...ctx, userId: ctx.user.id };
  }

  scope.get("/api/v1/exports/:id", async (request, reply) => {
    const ctx = await signedIn(request, reply);
    const parsed = exportStatusInput.safeParse(request.params);
    // Not an id we could have issued: the same answer as someone else's export.
    if (!parsed.success) throw new DomainError("NOT_FOUND", "Export not found");
    const download = await openExportDownload(ctx, parsed.data.id);
    if (download.kind === "expired") {
      return reply.status(410).send({
        error: `This export expired on ${download.expiredAt.toISOString()} (links work for 24 hours). Start a new export in Settings.`,
        statusCode: 410,
      });
    }
    if (download.kind === "not-ready") {
      return reply.status(409).send({
        error:
          download.status === "failed"
            ? "This export failed, so there is nothing to download. Start a new export in Settings."
            : "This export is not ready yet. Settings shows its progress.",
        statusCode: 409,
      });
    }
    return reply
      .header("content-type", "application/zip")
      .header("content-disposition", `attachment; filename="${download.filename}"`)
      .header("content-length", String(download.bytes))
      .header("cache-control", "private, no-store")
      .send(Readable.from(download.chunks));
  });

  scope.get("/api/v1/clients.csv", async (request, reply) => {
    const ctx = await signedIn(request, reply);
    const filter = parseInput(clientsCsvQuery, request.query);
    const lines = clientsCsv(ctx, filter);
    // The first piece (the header) is read before answering, so a bad stage or cursor fails as a 4xx.
    const first = await lines.next();
    const day = ctx.clock.now().toISOString().slice(0, 10);
    async function* rest() {
      if (!first.done) yield first.value;
      yield* lines;
    }
    return reply
      .header("content-type", "text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="clients-${day}.csv"`)
      .header("cache-control", "private, no-store")
      .send(Readable.from(rest()));
  });
};
