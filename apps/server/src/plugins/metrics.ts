import { timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import type { AppMetrics } from "../metrics/registry";

export interface MetricsOptions {
  metrics: AppMetrics;
  /** METRICS_TOKEN: /metrics asks for `Authorization: Bearer <token>`. */
  token?: string;
  /**
   * Whether this app answers /metrics at all: not when METRICS_PORT puts it on a listener of its
   * own (server.ts), which the public port must not expose.
   */
  serveHere: boolean;
}

/**
 * Times every request (by route pattern, so ids never become label values) and serves the registry
 * in Prometheus' text format at /metrics.
 */
export const metricsPlugin = fp<MetricsOptions>(
  async (app, { metrics, token, serveHere }) => {
    app.addHook("onResponse", (request, reply, done) => {
      metrics.observeHttp({
        method: request.method,
        route: request.routeOptions.url ?? "unmatched",
        status: reply.statusCode,
        durationSeconds: reply.elapsedTime / 1000,
      });
      done();
    });
    if (serveHere) app.register(metricsRoute, { metrics, ...(token && { token }) });
  },
  { name: "metrics" },
);

/** GET /metrics: the text exposition, behind the bearer token when one is set. */
export const metricsRoute: FastifyPluginAsync<{ metrics: AppMetrics; token?: string }> = async (
  scope,
  { metrics, token },
) => {
  scope.get("/metrics", async (request, reply) => {
    if (token && !bearerMatches(request.headers.authorization, token)) {
      return reply
        .status(401)
        .header("www-authenticate", 'Bearer realm="metrics"')
        .type("text/plain; charset=utf-8")
        .send("Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n");
    }
    const body = await metrics.registry.metrics();
    return reply.header("cache-control", "no-store").type(metrics.registry.contentType).send(body);
  });
};

function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
