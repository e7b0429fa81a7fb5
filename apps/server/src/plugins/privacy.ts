import type { FastifyPluginAsync } from "fastify";

export interface PrivacyOptions {
  /** The rendered page (privacy-page.ts): the settings do not change while the process runs. */
  html: string;
}

/** GET /privacy: plain HTML, no script, no session needed (it is linked from the sign-in page). */
export const privacyPlugin: FastifyPluginAsync<PrivacyOptions> = async (scope, { html }) => {
  scope.get("/privacy", async (_request, reply) => {
    reply.header("content-type", "text/html; charset=utf-8");
    reply.header("cache-control", "public, max-age=300");
    return reply.send(html);
  });
};
