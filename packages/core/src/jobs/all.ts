import { sendEmailChangeJob, sendVerificationJob } from "../auth/email-verification";
import { sendPasswordResetJob } from "../auth/password-reset";
import { nightlyBackupJob } from "../backups/jobs";
import { calendarPollJob, calendarSyncJob } from "../calendar-sync/jobs";
import { purgeTrashJob } from "../clients/jobs";
import { runImportJob, settleOrphanImportsJob } from "../imports/jobs";
import { deletionScheduledEmailJob } from "../privacy/deletion";
import { exportAccountJob } from "../privacy/export/job";
import { hardDeleteAccountsJob } from "../privacy/hard-delete";
import { sendReminderJob } from "../reminders/jobs";
import { retentionJob } from "../retention/jobs";
import type { JobDefinition } from "./registry";

/** Every job the runtime knows: queue name → payload schema → handler. */
export const allJobs: JobDefinition<never>[] = [
  purgeTrashJob as JobDefinition<never>,
  sendReminderJob as JobDefinition<never>,
  runImportJob as JobDefinition<never>,
  settleOrphanImportsJob as JobDefinition<never>,
  calendarSyncJob as JobDefinition<never>,
  calendarPollJob as JobDefinition<never>,
  sendPasswordResetJob as JobDefinition<never>,
  sendVerificationJob as JobDefinition<never>,
  sendEmailChangeJob as JobDefinition<never>,
  nightlyBackupJob as JobDefinition<never>,
  retentionJob as JobDefinition<never>,
  exportAccountJob as JobDefinition<never>,
  deletionScheduledEmailJob as JobDefinition<never>,
  hardDeleteAccountsJob as JobDefinition<never>,
];
