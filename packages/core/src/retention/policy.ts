import { z } from "zod";
import { DEFAULT_TRASH_RETENTION_DAYS } from "../clients/trash";

/**
 * How long each kind of record is kept (docs/privacy.md, "Retention"). One object, read from the
 * environment by each app, feeds the retention jobs, the Trash purge and the public /privacy page,
 * so the written policy and what is enforced cannot drift apart.
 */
export interface RetentionPolicy {
  /** Activity log entries are deleted after this many days. */
  activityDays: number;
  /** Sent emails lose their subject and body after this many days (status, time and address stay). */
  emailBodyDays: number;
  /** Failed sign-in records are deleted after this many hours. */
  loginAttemptHours: number;
  /** An uploaded CSV whose import was never started is deleted after this many hours. */
  unstartedImportHours: number;
  /** A finished import's file and failed rows are removed after this many days (counts stay). */
  finishedImportDays: number;
  /** Clients stay restorable in Trash this many days, then are purged. */
  trashDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  activityDays: 365,
  emailBodyDays: 365,
  loginAttemptHours: 24,
  unstartedImportHours: 24,
  finishedImportDays: 30,
  trashDays: DEFAULT_TRASH_RETENTION_DAYS,
};

const whole = (unit: string, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${min} ${unit}`)
    .max(max, `must be at most ${max} ${unit}`)
    .optional();

/**
 * The retention variables, for each app's env.ts (server and CLI: both may run the jobs). Login
 * attempts must outlive the sign-in throttle's one-hour window, or the throttle would forget.
 */
export const retentionEnvShape = {
  CRM_ACTIVITY_RETENTION_DAYS: whole("days", 1, 36_500),
  CRM_EMAIL_BODY_RETENTION_DAYS: whole("days", 1, 36_500),
  CRM_LOGIN_ATTEMPT_RETENTION_HOURS: whole("hours", 1, 8_760),
  CRM_UNSTARTED_IMPORT_RETENTION_HOURS: whole("hours", 1, 8_760),
  CRM_IMPORT_FILE_RETENTION_DAYS: whole("days", 1, 36_500),
  CRM_TRASH_RETENTION_DAYS: whole("days", 1, 36_500),
};

export type RetentionEnv = { [K in keyof typeof retentionEnvShape]?: number | undefined };

export function retentionPolicyFromEnv(env: RetentionEnv): RetentionPolicy {
  return {
    activityDays: env.CRM_ACTIVITY_RETENTION_DAYS ?? DEFAULT_RETENTION.activityDays,
    emailBodyDays: env.CRM_EMAIL_BODY_RETENTION_DAYS ?? DEFAULT_RETENTION.emailBodyDays,
    loginAttemptHours: env.CRM_LOGIN_ATTEMPT_RETENTION_HOURS ?? DEFAULT_RETENTION.loginAttemptHours,
    unstartedImportHours: env.CRM_UNSTARTED_IMPORT_RETENTION_HOURS ?? DEFAULT_RETENTION.unstartedImportHours,
    finishedImportDays: env.CRM_IMPORT_FILE_RETENTION_DAYS ?? DEFAULT_RETENTION.finishedImportDays,
    trashDays: env.CRM_TRASH_RETENTION_DAYS ?? DEFAULT_RETENTION.trashDays,
  };
}

/**
 * How long an account export's download link works (privacy.exportAccount sets expires_at from it);
 * the retention job deletes the export and its bytes once expired.
 */
export const EXPORT_DOWNLOAD_HOURS = 24;

/** A period in words for people ("1 year", "30 days", "24 hours"), as the /privacy page shows it. */
export function describePeriod(hours: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (hours % (365 * 24) === 0) return plural(hours / (365 * 24), "year");
  // Up to two days reads better in hours ("24 hours", not "1 day").
  if (hours % 24 === 0 && hours > 48) return plural(hours / 24, "day");
  return plural(hours, "hour");
}
