import path from "node:path";
import { dataKeyEnvShape, retentionEnvShape } from "@crm/core";
import { googleEnvShape, missingGoogleVariables } from "@crm/integrations";
import { z } from "zod";
import { limitsEnvShape } from "./env-limits";

const booleanOff = z
  .enum(["on", "off", "true", "false", "1", "0"])
  .transform((v) => v === "on" || v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce
    .number({ error: "must be a port number (0-65535)" })
    .int("must be a port number (0-65535)")
    .min(0, "must be a port number (0-65535)")
    .max(65535, "must be a port number (0-65535)")
    .default(3000),
  HOST: z.string().min(1).default("localhost"),
  /** /metrics asks for `Authorization: Bearer <this>`; unset: open (or on METRICS_PORT only). */
  METRICS_TOKEN: z.string().trim().min(16, "must be at least 16 characters (openssl rand -hex 24)").optional(),
  /** Serve /metrics on this port (on HOST) instead of the app's port. */
  METRICS_PORT: z.coerce
    .number({ error: "must be a port number (1-65535)" })
    .int("must be a port number (1-65535)")
    .min(1, "must be a port number (1-65535)")
    .max(65535, "must be a port number (1-65535)")
    .optional(),
  APP_URL: z.url({ error: "must be a URL such as https://crm.example.com" }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string")
    .optional(),
  CRM_DATA_DIR: z.string().min(1).default("./.data"),
  WORKERS: booleanOff.default(true),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * The demo account (made on a first start, when the database has no users). Unset: only on the
   * embedded database outside production; `on` forces it (any database), `off` forbids it.
   */
  CRM_DEMO_DATA: booleanOff.optional(),
  /** Largest accepted request body, in bytes. */
  BODY_LIMIT: z.coerce
    .number({ error: "must be a number of bytes" })
    .int("must be a number of bytes")
    .min(1024, "must be at least 1024 bytes")
    .default(1_048_576),
  /** Email: Resend when RESEND_API_KEY is set, else the outbox (database + log). */
  RESEND_API_KEY: z.string().min(1).optional(),
  /** The Resend SDK's own variable: tests and local runs point it at the fake. */
  RESEND_BASE_URL: z.url({ error: "must be a URL such as https://api.resend.com" }).optional(),
  RESEND_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, "must look like whsec_...")
    .optional(),
  EMAIL_FROM: z.string().min(3).default("CRM Reminders <reminders@example.com>"),
  /** Where the nightly backup goes (default <CRM_DATA_DIR>/backups), and how many days of them are kept. */
  CRM_BACKUP_DIR: z.string().min(1).optional(),
  CRM_BACKUP_RETENTION_DAYS: z.coerce
    .number({ error: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .default(30),
  /** Directory of the built web app (apps/web/dist). */
  WEB_DIST_DIR: z.string().optional(),
  /** Days between "Delete account" and the hard delete, during which signing in can cancel it. */
  PRIVACY_DELETION_GRACE_DAYS: z.coerce
    .number({ error: "must be a whole number of days (1-365)" })
    .int("must be a whole number of days (1-365)")
    .min(1, "must be a whole number of days (1-365)")
    .max(365, "must be a whole number of days (1-365)")
    .default(30),
  ...googleEnvShape,
  ...limitsEnvShape,
  /** Seals sensitive text at rest; unset: generated once into CRM_DATA_DIR/data-encryption.key. */
  ...dataKeyEnvShape,
  /** How long each kind of record is kept (the jobs this process runs, and the /privacy page). */
  ...retentionEnvShape,
  /** The public /privacy page: who answers privacy requests (an email address or a URL)… */
  PRIVACY_CONTACT: z
    .string()
    .trim()
    .refine((v) => z.email().safeParse(v).success || /^https?:\/\/\S+$/.test(v), {
      error: "must be an email address or an http(s) URL",
    })
    .optional(),
  /** …who is responsible for the data (the operator's name), and the app's name on that page. */
  PRIVACY_CONTROLLER: z.string().trim().min(1).max(200).optional(),
  CRM_APP_NAME: z.string().trim().min(1).max(80).default("CRM"),
  /** An operator's own template for /privacy (the shipped one: apps/server/templates/privacy.html). */
  PRIVACY_TEMPLATE: z.string().min(1).optional(),
});

export type Env = z.infer<typeof envSchema> & { APP_URL: string; CRM_DATA_DIR: string };

/** Reads the environment once. A bad value stops the process with a message naming the variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = result.data;
  const missingGoogle = missingGoogleVariables(env);
  if (missingGoogle.length) throw new EnvError(`Invalid configuration:\n${missingGoogle.join("\n")}`);
  const appUrl = env.APP_URL ?? `http://localhost:${env.PORT}`;
  return { ...env, APP_URL: appUrl.replace(/\/+$/, ""), CRM_DATA_DIR: path.resolve(env.CRM_DATA_DIR) };
}

export class EnvError extends Error {}

/**
 * Whether a first start may create the demo account, whose password is public. Never on an
 * operator's own database or in production unless asked for by name.
 */
export function demoDataAllowed(env: Pick<Env, "CRM_DEMO_DATA" | "NODE_ENV" | "DATABASE_URL">): boolean {
  if (env.CRM_DEMO_DATA !== undefined) return env.CRM_DEMO_DATA;
  return env.DATABASE_URL === undefined && env.NODE_ENV !== "production";
}
