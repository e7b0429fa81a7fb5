import {
  type ApiDeps,
  type Context,
  createHttpContextFactory,
  createRequestLimits,
  type RequestLimitSettings,
} from "@crm/api";
import {
  type CalendarSyncDeps,
  type DataKeyring,
  DEFAULT_RETENTION,
  type JobQueue,
  type RetentionPolicy,
  systemClock,
} from "@crm/core";
import type { Database } from "@crm/db";
import Fastify, { type FastifyServerOptions } from "fastify";
import { type AppMetrics, createAppMetrics } from "./metrics/registry";
import { errorsPlugin } from "./plugins/errors";
import { exportsPlugin } from "./plugins/exports";
import { feedsPlugin } from "./plugins/feeds";
import { googleOAuthPlugin } from "./plugins/google-oauth";
import { healthPlugin } from "./plugins/health";
import { metricsPlugin } from "./plugins/metrics";
import { privacyPlugin } from "./plugins/privacy";
import { securityPlugin } from "./plugins/security";
import { staticPlugin } from "./plugins/static";
import { trpcPlugin } from "./plugins/trpc";
import { uploadPlugin } from "./plugins/upload";
import { webhooksPlugin } from "./plugins/webhooks";
import { loadPrivacyPage, type PrivacyPageSettings } from "./privacy-page";
import { requestIdFor } from "./request-id";

export interface AppOptions {
  db: Database;
  /** Verifies Resend's delivery webhooks; unset: the endpoint answers 404. */
  resendWebhookSecret?: string;
  /** The job queue (pg-boss); /health reports it. */
  jobs?: JobQueue;
  clock?: ApiDeps["clock"];
  /** Public base URL: the allowed Origin for mutations and whether cookies are Secure. */
  appUrl: string;
  /** Built web app to serve with SPA fallback; null to serve none. */
  webDistDir?: string | null;
  logger?: FastifyServerOptions["logger"];
  bodyLimit?: number;
  /** Google Calendar sync (OAuth callback, push webhook, quota in /health); unset: not configured. */
  calendar?: CalendarSyncDeps;
  /**
   * Which proxies may name the client in X-Forwarded-For (TRUST_PROXY): a hop count or their
   * addresses. Unset: the socket's address is the client's, whatever the headers say.
   */
  trustProxy?: number | string[];
  /** Request budgets (RATE_LIMIT_PER_HOUR, AUTH_RATE_LIMIT_PER_MINUTE). Unset: nothing is limited. */
  limits?: RequestLimitSettings;
  /** "email" when a provider (Resend) sends account emails; unset: the outbox (the server log). */
  emailDelivery?: ApiDeps["emailDelivery"];
  /** The data encryption key (two-factor secrets); unset: those procedures fail. */
  dataKeys?: DataKeyring;
  /**
   * /metrics: METRICS_TOKEN asks for a bearer token; `separatePort` (METRICS_PORT) keeps it off this
   * app, for server.ts to serve on a listener of its own (from `app.metrics`). Default: served here, open.
   */
  metrics?: { token?: string; separatePort?: boolean };
  /** The retention periods (CRM_*_RETENTION_*): Trash dates, /health and /privacy. Unset: the defaults. */
  retention?: RetentionPolicy;
  /** What /privacy names (PRIVACY_CONTACT, PRIVACY_CONTROLLER, CRM_APP_NAME) and its template file. */
  privacy?: Partial<Omit<PrivacyPageSettings, "retention">> & { templatePath?: string | undefined };
  /** PRIVACY_DELETION_GRACE_DAYS; unset: 30. */
  deletionGraceDays?: number;
}

export function isLocalHttp(appUrl: string): boolean {
  const url = new URL(appUrl);
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/**
 * A hop count becomes "the first n addresses from the socket backwards are proxies" (as Express reads
 * it): this Fastify takes a bare number to mean "trust none". Addresses and ranges pass as they are.
 */
function trustProxyOption(trust: AppOptions["trustProxy"]): FastifyServerOptions["trustProxy"] {
  if (trust === undefined) return false;
  if (typeof trust === "number") return (_address: string, hop: number) => hop < trust;
  return trust;
}

/**
 * Builds the whole HTTP app without listening: server.ts listens, tests use app.inject. Each HTTP
 * concern is a plugin of its own (see ./plugins); this only wires them to the dependencies.
 */
export async function buildApp(options: AppOptions) {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // Batched tRPC calls put every procedure name in the path.
    routerOptions: { maxParamLength: 5000 },
    trustProxy: trustProxyOption(options.trustProxy),
    genReqId: requestIdFor,
  });
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
  const secure = !isLocalHttp(options.appUrl);
  const deps: ApiDeps = {
    db: options.db,
    clock: options.clock ?? systemClock,
    appUrl: options.appUrl,
    ...(options.jobs && { jobs: options.jobs }),
    ...(options.calendar && { calendar: options.calendar }),
    ...(options.emailDelivery && { emailDelivery: options.emailDelivery }),
    ...(options.dataKeys && { dataKeys: options.dataKeys }),
    retention: options.retention ?? DEFAULT_RETENTION,
    ...(options.deletionGraceDays && { deletionGraceDays: options.deletionGraceDays }),
  };
  const metrics: AppMetrics = createAppMetrics(deps);
  deps.observeProcedure = metrics.observeProcedure;
  // Rendered once, before anything listens: a broken operator template stops the start.
  const privacyHtml = await loadPrivacyPage(
    {
      appName: options.privacy?.appName ?? "CRM",
      controller: options.privacy?.controller,
      contact: options.privacy?.contact,
      retention: deps.retention!,
    },
    options.privacy?.templatePath,
  );
  if (options.limits) {
    let loggedAt = Number.NEGATIVE_INFINITY;
    deps.limits = createRequestLimits(deps, options.limits, (error) => {
      // Once per 10 s: with the database down every batch fails, and says nothing new.
      if (performance.now() - loggedAt < 10_000) return;
      loggedAt = performance.now();
      app.log.error({ err: error }, "rate limit counters failed; requests let through");
    });
  }
  const createContext = createHttpContextFactory(deps, { allowedOrigins: [options.appUrl], secureCookies: secure });

  // The error handler first: the routes' scopes inherit it as they are registered.
  await app.register(errorsPlugin);
  await app.register(securityPlugin, { secure });
  await app.register(metricsPlugin, {
    metrics,
    ...(options.metrics?.token && { token: options.metrics.token }),
    serveHere: !options.metrics?.separatePort,
  });
  await app.register(trpcPlugin, { createContext });
  await app.register(uploadPlugin, { createContext });
  await app.register(exportsPlugin, { createContext });
  await app.register(feedsPlugin, { deps });
  await app.register(webhooksPlugin, { deps, resendWebhookSecret: options.resendWebhookSecret });
  await app.register(googleOAuthPlugin, { createContext });
  await app.register(healthPlugin, { deps });
  await app.register(privacyPlugin, { html: privacyHtml });
  await app.register(staticPlugin, { webDistDir: options.webDistDir });
  app.decorate("metrics", metrics);
  return app;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The app's Prometheus registry (server.ts serves it on METRICS_PORT when set). */
    metrics: AppMetrics;
  }
}

export type App = Awaited<ReturnType<typeof buildApp>>;
export type { Context };
