import Fastify from "fastify";
import { metricsRoute } from "../plugins/metrics";
import type { AppMetrics } from "./registry";

/**
 * METRICS_PORT: /metrics on a listener of its own, for a port only the monitoring network reaches
 * (the public port then answers 404 there). The token still applies when set.
 */
export async function startMetricsListener(
  metrics: AppMetrics,
  options: { host: string; port: number; token?: string },
): Promise<{ port: number; close: () => Promise<void> }> {
  const listener = Fastify({ logger: false });
  await listener.register(metricsRoute, { metrics, ...(options.token && { token: options.token }) });
  await listener.listen({ host: options.host, port: options.port });
  const address = listener.server.address();
  return { port: typeof address === "object" && address ? address.port : options.port, close: () => listener.close() };
}
