import type { ApiDeps } from "@crm/api";
import { calendarFeedIcs } from "@crm/core";
import type { FastifyPluginAsync } from "fastify";

export interface FeedsOptions {
  deps: ApiDeps;
}

/** The private calendar feed: the secret in the URL is the credential (calendar apps send no cookie). */
export const feedsPlugin: FastifyPluginAsync<FeedsOptions> = async (scope, { deps }) => {
  scope.get("/feeds/:file", async (request, reply) => {
    const file = (request.params as { file: string }).file;
    const secret = file.endsWith(".ics") ? file.slice(0, -4) : "";
    // A malformed secret (a NUL character included) is refused before any query.
    const ics = await calendarFeedIcs(deps, secret);
    if (!ics) return reply.status(404).send({ error: "Not found", statusCode: 404 });
    return reply
      .header("content-type", "text/calendar; charset=utf-8")
      .header("cache-control", "private, max-age=300")
      .send(ics);
  });
};
