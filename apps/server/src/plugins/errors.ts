import { httpErrorFor } from "@crm/api";
import { DomainError, isDomainError } from "@crm/core";
import { findNulCharacter, messages } from "@crm/shared";
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

/**
 * How the routes outside tRPC fail. Domain errors get the status tRPC gives them (httpErrorFor),
 * with the field at fault and Retry-After; Fastify's own 4xx (bad JSON, too large) pass as they
 * are; anything else is a bug, logged and answered with a generic 500. Expected 4xx are not logged.
 */
export const errorsPlugin = fp(
  async (app) => {
    app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
      if (isDomainError(error)) return sendDomainError(reply, error);
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, "request failed");
        // The id is in the X-Request-Id header too: quoting it finds this failure in the log.
        return reply.status(status).send({ error: "Internal Server Error", statusCode: status, requestId: request.id });
      }
      return reply.status(status).send({ error: error.message, statusCode: status });
    });
  },
  { name: "errors" },
);

function sendDomainError(reply: FastifyReply, error: DomainError) {
  const answer = httpErrorFor(error);
  return reply
    .status(answer.status)
    .headers(answer.headers)
    .send({
      error: answer.message,
      statusCode: answer.status,
      ...(answer.field && { field: answer.field }),
      ...(answer.details && { details: answer.details }),
    });
}

/**
 * A preValidation hook for REST scopes: a NUL character anywhere in the query, the path or a
 * parsed body answers 400 naming where (PostgreSQL would refuse it later, as a 500).
 */
export async function refuseNulCharacters(request: FastifyRequest) {
  const body = typeof request.body === "string" || Buffer.isBuffer(request.body) ? undefined : request.body;
  for (const input of [request.query, request.params, body]) {
    const path = findNulCharacter(input);
    if (path) throw new DomainError("VALIDATION", messages.nulCharacter, path.length ? { field: path.join(".") } : {});
  }
}
