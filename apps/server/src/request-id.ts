import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** An id a proxy or client may pass on: short, printable, and nothing a log viewer could misread. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Fastify's genReqId: the caller's X-Request-Id when it looks like one (so a request keeps one id
 * across a proxy and this server's logs), else a fresh UUID. It names the request in every log line
 * and in the X-Request-Id response header, so a user's report of a failure finds its log.
 */
export function requestIdFor(request: IncomingMessage): string {
  const header = request.headers["x-request-id"];
  const offered = Array.isArray(header) ? header[0] : header;
  return offered && ACCEPTED_REQUEST_ID.test(offered) ? offered : randomUUID();
}
