import { existsSync } from "node:fs";
import path from "node:path";
import type { AppRouter } from "@crm/api";
import { type ApiDeps, appRouter, type Context, createHttpContextFactory, domainCause } from "@crm/api";
import {
  applyDeliveryEvent,
  bounceRate,
  type CalendarSyncDeps,
  calendarFeedIcs,
  completeGoogleConnect,
  createImport,
  googleQuotaUsage,
  handleGoogleNotification,
  isDomainError,
  type JobQueue,
  MAX_IMPORT_BYTES,
  systemClock,
} from "@crm/core";
import type { Database } from "@crm/db";
import { verifyResendWebhook, WebhookPayloadError, WebhookSignatureError } from "@crm/integrations";
import fastifyStatic from "@fastify/static";
import { sql } from "drizzle-orm";
import Fastify, { type FastifyServerOptions } from "fastify";
import helmet from "helmet";
import { registerTrpc } from "./trpc";

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
}

export function isLocalHttp(appUrl: string): boolean {
  const url = new URL(appUrl);
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** Builds the whole HTTP app without listening: server.ts listens, tests use app.inject. */
export async function buildApp(options: AppOptions) {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // Batched tRPC calls put every procedure name in the path.
    routerOptions: { maxParamLength: 5000 },
    trustProxy: true,
  });
  const secure = !isLocalHttp(options.appUrl);
  const deps: ApiDeps = {
    db: options.db,
    clock: options.clock ?? systemClock,
    appUrl: options.appUrl,
    ...(options.jobs && { jobs: options.jobs }),
    ...(options.calendar && { calendar: options.calendar }),
  };

  // Built once: @fastify/helmet rebuilt this middleware (parsing every directive) on each request.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        // Would send every asset of a plain-HTTP localhost run to https.
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    hsts: secure,
  });
  // helmet 8 throws on a bad setting instead of passing an error on, so `next` only ever continues.
  app.addHook("onRequest", (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));

  // Expected failures (4xx) are answered plainly and not logged as errors; the rest say nothing.
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, "request failed");
      return reply.status(status).send({ error: "Internal Server Error", statusCode: status });
    }
    return reply.status(status).send({ error: error.message, statusCode: status });
  });

  const createContext = createHttpContextFactory(deps, { allowedOrigins: [options.appUrl], secureCookies: secure });

  // CSV upload: the raw file as the body (text/csv or application/octet-stream), up to 10 MB.
  await app.register(async (scope) => {
    const asBuffer = (_request: unknown, body: Buffer, done: (e: Error | null, b?: Buffer) => void) => done(null, body);
    scope.addContentTypeParser(
      ["text/csv", "application/octet-stream", "text/plain"],
      { parseAs: "buffer", bodyLimit: MAX_IMPORT_BYTES + 1024 },
      asBuffer,
    );
    scope.post("/api/v1/imports", { bodyLimit: MAX_IMPORT_BYTES + 1024 }, async (request, reply) => {
      const ctx = await createContext({ req: request, res: reply });
      if (ctx.crossSite) return reply.status(403).send({ error: "Cross-site request refused", statusCode: 403 });
      if (!ctx.user) return reply.status(401).send({ error: "Please sign in", statusCode: 401 });
      if (!Buffer.isBuffer(request.body)) {
        return reply
          .status(415)
          .send({ error: "Send the CSV file as the request body (Content-Type: text/csv)", statusCode: 415 });
      }
      const filename = String((request.query as { filename?: unknown }).filename ?? "import.csv");
      try {
        const draft = await createImport(
          { ...ctx, userId: ctx.user.id },
          { filename, bytes: new Uint8Array(request.body) },
        );
        return reply.status(201).send(draft);
      } catch (error) {
        if (isDomainError(error))
          return reply.status(400).send({ error: error.message, field: error.field ?? "file", statusCode: 400 });
        throw error;
      }
    });
  });

  await registerTrpc<AppRouter>(app, {
    prefix: "/trpc",
    router: appRouter,
    createContext,
    onError({ error, path, req }) {
      if (error.code === "INTERNAL_SERVER_ERROR")
        req.log.error({ err: error.cause ?? error, path }, "procedure failed");
    },
    responseMeta({ errors }) {
      const retryAfter = errors.map((e) => domainCause(e)?.retryAfterSeconds).find((s) => s !== undefined);
      return retryAfter ? { headers: { "retry-after": String(retryAfter) } } : {};
    },
  });

  // The private calendar feed: the secret in the URL is the credential (calendar apps send no cookie).
  app.get("/feeds/:file", async (request, reply) => {
    const file = (request.params as { file: string }).file;
    const secret = file.endsWith(".ics") ? file.slice(0, -4) : "";
    const ics = await calendarFeedIcs(deps, secret);
    if (!ics) return reply.status(404).send({ error: "Not found", statusCode: 404 });
    return reply
      .header("content-type", "text/calendar; charset=utf-8")
      .header("cache-control", "private, max-age=300")
      .send(ics);
  });

  // Resend's delivery events. The signature covers the raw body, so this scope keeps it as text.
  await app.register(async (scope) => {
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, body));
    scope.post("/webhooks/resend", async (request, reply) => {
      if (!options.resendWebhookSecret) return reply.status(404).send({ error: "Not found", statusCode: 404 });
      try {
        const event = verifyResendWebhook({
          rawBody: String(request.body ?? ""),
          headers: request.headers as Record<string, string | string[] | undefined>,
          secret: options.resendWebhookSecret,
        });
        const applied = await applyDeliveryEvent(deps, event);
        return reply.send({ ok: true, applied });
      } catch (error) {
        if (error instanceof WebhookSignatureError)
          return reply.status(401).send({ error: error.message, statusCode: 401 });
        if (error instanceof WebhookPayloadError)
          return reply.status(400).send({ error: error.message, statusCode: 400 });
        throw error;
      }
    });
  });

  // Google sends the browser back here after consent. The session cookie (SameSite=Lax) comes
  // with this top-level navigation; the state must belong to that user.
  app.get("/auth/google/callback", async (request, reply) => {
    const ctx = await createContext({ req: request, res: reply });
    if (!ctx.user) return reply.redirect("/login?redirect=%2Fsettings");
    if (!options.calendar)
      return reply.redirect("/settings?google=error&message=Google%20Calendar%20is%20not%20configured");
    const result = await completeGoogleConnect(
      { ...ctx, userId: ctx.user.id },
      request.query as Record<string, unknown>,
    );
    const target = result.ok
      ? "/settings?google=connected"
      : `/settings?google=error&message=${encodeURIComponent(result.message)}`;
    return reply.redirect(target);
  });

  // Google's push notifications: an empty POST whose headers name the channel and carry its token.
  await app.register(async (scope) => {
    // The body is empty (whatever Content-Type comes with it): ignore it rather than parse it.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, _payload, done) => done(null, null));
    scope.post("/webhooks/google-calendar", async (request, reply) => {
      const outcome = await handleGoogleNotification(deps, request.headers as Record<string, unknown>);
      if (outcome.status >= 400) request.log.warn({ outcome }, "google notification refused");
      return reply.status(outcome.status).send({ ok: outcome.status === 200, message: outcome.message });
    });
  });

  app.get("/health", async (_request, reply) => {
    const started = performance.now();
    const database = await options.db.execute(sql`select 1`).then(
      () => ({ status: "up", latencyMs: Math.round((performance.now() - started) * 10) / 10 }),
      () => ({ status: "down" }),
    );
    const queue = options.jobs ? await options.jobs.health() : null;
    const ok = database.status === "up" && (!queue || queue.reachable);
    const email = database.status === "up" ? await bounceRate(deps) : null;
    const warnings = email?.warning
      ? [`${Math.round(email.rate * 100)}% of emails sent in the last 24 hours bounced (over 5%)`]
      : [];
    const google =
      options.calendar && database.status === "up"
        ? await googleQuotaUsage(deps, options.calendar.quotaPerMinute)
        : null;
    if (google?.warning) warnings.push(google.warning);
    return reply.status(ok ? 200 : 503).send({
      status: ok ? "ok" : "error",
      warnings,
      database,
      ...(email && { email: { sent24h: email.sent, bounced24h: email.bounced } }),
      ...(google && { google: { callsThisMinute: google.calls, quotaPerMinute: google.quota } }),
      ...(queue && {
        queue: {
          status: queue.reachable ? "up" : "down",
          backlog: queue.backlog,
          oldestWaitingSeconds: queue.oldestWaitingSeconds,
        },
      }),
    });
  });

  const webDistDir = options.webDistDir;
  const serveWeb = webDistDir && existsSync(path.join(webDistDir, "index.html"));
  if (serveWeb) {
    await app.register(fastifyStatic, {
      root: webDistDir,
      index: false,
      // Hashed assets never change; index.html (served below) is always revalidated.
      setHeaders(res, filePath) {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) {
          res.header("cache-control", "public, max-age=31536000, immutable");
        }
      },
    });
    // @fastify/static answers a bare "/" itself (403, index disabled); the app shell lives there.
    app.get("/", (_request, reply) => {
      reply.header("cache-control", "no-cache");
      return reply.sendFile("index.html", { cacheControl: false });
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const apiPath = /^\/(trpc|api|health|webhooks|auth|feeds)(\/|$)/.test(request.url);
    const wantsPage = request.method === "GET" && (request.headers.accept ?? "").includes("text/html");
    if (serveWeb && wantsPage && !apiPath) {
      reply.header("cache-control", "no-cache");
      return reply.sendFile("index.html", { cacheControl: false });
    }
    return reply.status(404).send({ error: "Not found", statusCode: 404 });
  });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
export type { Context };
