import type { DbOrTx } from "@crm/db";
import type { DataKeyring } from "./crypto/data-key";
import type { JobQueue } from "./jobs/queue";
import type { BackupService, CalendarProvider, Clock, Mailer } from "./ports";
import type { RetentionPolicy } from "./retention/policy";

/** What every core verb receives. Owner-scoped verbs take AuthedContext. */
export interface CoreContext {
  db: DbOrTx;
  clock: Clock;
  /** Present wherever work may be enqueued (the API, the CLI, job handlers). */
  jobs?: JobQueue;
  /** Present where email is sent (job handlers). */
  email?: { mailer: Mailer; from: string };
  /** The app's public base URL, for links in account emails (job handlers; the API has it too). */
  appUrl?: string;
  /** Present when Google Calendar is configured (GOOGLE_CLIENT_ID and friends). */
  calendar?: CalendarSyncDeps;
  /** The data encryption key (DATA_ENCRYPTION_KEY or the generated key file): seals secrets at rest. */
  dataKeys?: DataKeyring;
  /** Where the nightly backup goes (job handlers of processes that run jobs). */
  backups?: BackupService;
  /** The configured retention periods (the jobs, the Trash purge); unset: the documented defaults. */
  retention?: RetentionPolicy;
}

export interface CalendarSyncDeps {
  provider: CalendarProvider;
  /** 32 bytes: the AES-256-GCM key for tokens at rest (TOKEN_ENCRYPTION_KEY). */
  tokenKey: Uint8Array;
  /** Public HTTPS URL of /webhooks/google-calendar; unset: no push notifications (polling only). */
  pushAddress?: string;
  /** Google API calls allowed per minute across the deployment (warn at 70%, critical at 90%, pause at 100%). */
  quotaPerMinute: number;
  /** In-job retries on rate limits: delays of base·2^n with jitter (tests make it small). */
  backoff?: { baseMs: number; attempts: number };
}

export interface AuthedContext extends CoreContext {
  userId: string;
  /**
   * The signed-in user as the session check read them, when the caller has it (the API does):
   * saves reading the profile again. At most a couple of seconds old (the session cache).
   */
  user?: { phoneRegion: string } | null;
}
