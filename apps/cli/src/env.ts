import path from "node:path";
import { dataKeyEnvShape, retentionEnvShape } from "@crm/core";
import { googleEnvShape } from "@crm/integrations";
import { z } from "zod";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** The worker's log level, as the server's. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `create-user`'s password when --password is not given (keeps it out of the shell history). */
  CRM_PASSWORD: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string")
    .optional(),
  CRM_DATA_DIR: z.string().min(1).default("./.data"),
  RESEND_API_KEY: z.string().min(1).optional(),
  RESEND_BASE_URL: z.url({ error: "must be a URL such as https://api.resend.com" }).optional(),
  EMAIL_FROM: z.string().min(3).default("CRM Reminders <reminders@example.com>"),
  /** Where `crm backup` and the nightly backup write (default <CRM_DATA_DIR>/backups). */
  CRM_BACKUP_DIR: z.string().min(1).optional(),
  CRM_BACKUP_RETENTION_DAYS: z.coerce
    .number({ error: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .default(30),
  /** The server's public URL: the worker needs it for Google's OAuth redirect and push address. */
  APP_URL: z.url({ error: "must be a URL such as https://crm.example.com" }).default("http://localhost:3000"),
  ...googleEnvShape,
  ...dataKeyEnvShape,
  /** The retention periods the worker's jobs enforce (and `purge`'s default, CRM_TRASH_RETENTION_DAYS). */
  ...retentionEnvShape,
});

export type CliEnv = z.infer<typeof envSchema>;

export function loadCliEnv(source: NodeJS.ProcessEnv = process.env): CliEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...result.data, CRM_DATA_DIR: path.resolve(result.data.CRM_DATA_DIR) };
}
