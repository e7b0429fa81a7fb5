import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  allJobs,
  DataKeyError,
  type DataKeyring,
  ensureDemoAccount,
  resolveDataKeys,
  retentionPolicyFromEnv,
  systemClock,
} from "@crm/core";
import { createDb, runMigrations, startEmbeddedDatabase } from "@crm/db";
import { createBackupService, googleSyncFromEnv, mailerFromEnv, startJobRuntime } from "@crm/integrations";
import { sql } from "drizzle-orm";
import { buildApp } from "./app";
import { demoDataAllowed, EnvError, loadEnv } from "./env";
import { startMetricsListener } from "./metrics/listener";
import { loadPrivacyPage } from "./privacy-page";

const defaultWebDist = fileURLToPath(new URL("../../web/dist", import.meta.url));

function fail(message: string): never {
  process.stderr.write(`crm: ${message}\n`);
  process.exit(1);
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

async function main() {
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }

  const retention = retentionPolicyFromEnv(env);
  const privacy = {
    appName: env.CRM_APP_NAME,
    controller: env.PRIVACY_CONTROLLER,
    contact: env.PRIVACY_CONTACT,
    templatePath: env.PRIVACY_TEMPLATE && path.resolve(env.PRIVACY_TEMPLATE),
  };
  // buildApp renders it again; this checks an operator's template before anything starts.
  await loadPrivacyPage({ ...privacy, retention }, privacy.templatePath).catch((error: Error) =>
    fail(`PRIVACY_TEMPLATE: ${error.message}`),
  );

  let calendar: ReturnType<typeof googleSyncFromEnv>;
  try {
    calendar = googleSyncFromEnv(env, env.APP_URL);
  } catch (error) {
    fail((error as Error).message);
  }

  const embedded = env.DATABASE_URL
    ? null
    : await startEmbeddedDatabase({ dataDir: path.join(env.CRM_DATA_DIR, "pg") }).catch((error: Error) =>
        fail(error.message),
      );
  const databaseUrl = env.DATABASE_URL ?? embedded!.url;

  const handle = createDb(databaseUrl, { applicationName: "crm-server" });
  try {
    await handle.db.execute(sql`select 1`);
  } catch (error) {
    await embedded?.stop();
    const cause = (error as { cause?: Error }).cause ?? (error as Error);
    fail(`cannot reach the database at ${redactUrl(databaseUrl)}: ${cause.message.split("\n")[0]}`);
  }
  await runMigrations(databaseUrl);
  let dataKeys: DataKeyring;
  try {
    dataKeys = await resolveDataKeys(
      {
        configuredKey: env.DATA_ENCRYPTION_KEY,
        previousKeys: env.DATA_ENCRYPTION_PREVIOUS_KEYS,
        dataDir: env.CRM_DATA_DIR,
        production: env.NODE_ENV === "production",
      },
      handle.db,
      (line) => process.stderr.write(`${line}\n`),
    );
  } catch (error) {
    await handle.close();
    await embedded?.stop();
    if (error instanceof DataKeyError) {
      fail(error.message.startsWith("DATA_ENCRYPTION_KEY") ? error.message : `DATA_ENCRYPTION_KEY: ${error.message}`);
    }
    throw error;
  }
  // Until the app's logger exists, job logs go to stderr.
  let log: { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void } = {
    info: (_obj, msg) => process.stderr.write(`${msg}\n`),
    error: (_obj, msg) => process.stderr.write(`${msg}\n`),
  };
  const mailer = mailerFromEnv(env, (line) => log.info({}, line));
  const backups = createBackupService({
    sql: handle.sql,
    dir: path.resolve(env.CRM_BACKUP_DIR ?? path.join(env.CRM_DATA_DIR, "backups")),
    retentionDays: env.CRM_BACKUP_RETENTION_DAYS,
  });
  // pg-boss runs in every process (to enqueue); WORKERS=off keeps this one from running handlers.
  const jobs = await startJobRuntime({
    connectionString: databaseUrl,
    definitions: allJobs,
    work: env.WORKERS,
    context: () => ({
      db: handle.db,
      clock: systemClock,
      email: { mailer, from: env.EMAIL_FROM },
      appUrl: env.APP_URL,
      ...(calendar && { calendar }),
      dataKeys,
      backups,
      retention,
    }),
    log: {
      info: (message, details) => log.info(details ?? {}, message),
      error: (message, details) => log.error(details ?? {}, message),
    },
  });

  const app = await buildApp({
    db: handle.db,
    jobs: jobs.queue,
    ...(env.RESEND_WEBHOOK_SECRET && { resendWebhookSecret: env.RESEND_WEBHOOK_SECRET }),
    clock: systemClock,
    ...(calendar && { calendar }),
    dataKeys,
    appUrl: env.APP_URL,
    retention,
    privacy,
    emailDelivery: mailer.kind === "resend" ? "email" : "outbox",
    deletionGraceDays: env.PRIVACY_DELETION_GRACE_DAYS,
    webDistDir: env.WEB_DIST_DIR ? path.resolve(env.WEB_DIST_DIR) : defaultWebDist,
    bodyLimit: env.BODY_LIMIT,
    ...(env.TRUST_PROXY !== undefined && { trustProxy: env.TRUST_PROXY }),
    limits: { perUserPerHour: env.RATE_LIMIT_PER_HOUR, authPerIpPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE },
    metrics: { ...(env.METRICS_TOKEN && { token: env.METRICS_TOKEN }), separatePort: env.METRICS_PORT !== undefined },
    logger: {
      level: env.LOG_LEVEL,
      ...(process.stdout.isTTY && env.NODE_ENV !== "production"
        ? { transport: { target: "pino-pretty", options: { ignore: "pid,hostname", translateTime: "HH:MM:ss" } } }
        : {}),
    },
  });

  log = app.log;
  if (embedded) {
    app.log.info(
      `embedded PostgreSQL ${embedded.owned ? "started" : "already running"} on port ${embedded.port}, data in ${embedded.dataDir}`,
    );
  }
  // The demo's sessions get reminders only while email goes to the outbox: with a real Resend key
  // they would be sent to the demo's made-up addresses and bounce.
  const demo = demoDataAllowed(env)
    ? await ensureDemoAccount({
        db: handle.db,
        clock: systemClock,
        dataKeys,
        ...(!env.RESEND_API_KEY && { jobs: jobs.queue }),
      })
    : null;

  let metricsListener: { close: () => Promise<void> } | null = null;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.close().catch(() => {});
    await metricsListener?.close().catch(() => {});
    await jobs.stop().catch(() => {});
    await handle.close().catch(() => {});
    await embedded?.stop().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  try {
    await app.listen({ port: env.PORT, host: env.HOST });
  } catch (error) {
    await handle.close();
    await embedded?.stop();
    fail(`cannot listen on ${env.HOST}:${env.PORT}: ${(error as Error).message}`);
  }
  if (env.METRICS_PORT !== undefined) {
    try {
      metricsListener = await startMetricsListener(app.metrics, {
        host: env.HOST,
        port: env.METRICS_PORT,
        ...(env.METRICS_TOKEN && { token: env.METRICS_TOKEN }),
      });
    } catch (error) {
      fail(`METRICS_PORT: cannot listen on ${env.HOST}:${env.METRICS_PORT}: ${(error as Error).message}`);
    }
    app.log.info(`metrics on http://${env.HOST}:${env.METRICS_PORT}/metrics`);
  }
  app.log.info(`CRM is running at ${env.APP_URL}`);
  if (!env.PRIVACY_CONTACT && env.NODE_ENV === "production") {
    app.log.warn("PRIVACY_CONTACT is not set: the /privacy page names no one to send privacy requests to");
  }
  if (demo) {
    app.log.info(`Demo account created: sign in with ${demo.email} / ${demo.password}`);
  }
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
