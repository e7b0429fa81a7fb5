import { assertWithinBudget, type HttpContextFactory } from "@crm/api";
import { createImport, DomainError, MAX_IMPORT_BYTES, parseInput } from "@crm/core";
import { messages, pendingDeletionMessage, text } from "@crm/shared";
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";

export interface UploadOptions {
  createContext: HttpContextFactory;
}

const uploadQuery = z.object({ filename: text().optional() });

/** CSV upload: the raw file as the body (text/csv or application/octet-stream), up to 10 MB. */
export const uploadPlugin: FastifyPluginAsync<UploadOptions> = async (scope, { createContext }) => {
  const bodyLimit = MAX_IMPORT_BYTES + 1024;
  scope.addContentTypeParser(
    ["text/csv", "application/octet-stream", "text/plain"],
    { parseAs: "buffer", bodyLimit },
    (_request, body, done) => done(null, body),
  );
  scope.post("/api/v1/imports", { bodyLimit }, async (request, reply) => {
    const ctx = await createContext({ req: request, res: reply });
    await assertWithinBudget(ctx);
    if (ctx.crossSite) return reply.status(403).send({ error: messages.crossSite, statusCode: 403 });
    if (!ctx.user) throw new DomainError("UNAUTHENTICATED", messages.signInRequired);
    if (ctx.user.deletionScheduledFor) {
      throw new DomainError("PENDING_DELETION", pendingDeletionMessage(ctx.user.deletionScheduledFor));
    }
    if (!Buffer.isBuffer(request.body)) {
      return reply
        .status(415)
        .send({ error: "Send the CSV file as the request body (Content-Type: text/csv)", statusCode: 415 });
    }
    const { filename = "import.csv" } = parseInput(uploadQuery, request.query);
    const draft = await createImport(
      { ...ctx, userId: ctx.user.id },
      { filename, bytes: new Uint8Array(request.body) },
    );
    return reply.status(201).send(draft);
  });
};
