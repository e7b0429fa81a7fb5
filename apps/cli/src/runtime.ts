// Everything the commands use once they run. They import this module dynamically, after their
// arguments parse, so that `crm --help` and usage errors answer at once instead of first loading
// the domain, the database driver and Google's SDK.
export {
  allJobs,
  createDataKeyFile,
  createPasswordResetLink,
  DEFAULT_TRASH_RETENTION_DAYS,
  findUserByEmail,
  KEY_FILE_RELOAD_MS,
  purgeDeletedClients,
  readDataKeyFiles,
  retentionPolicyFromEnv,
  rotateSealedData,
  signup,
  systemClock,
} from "@crm/core";
export { restoreBackup, revertMigrations, runMigrations, writeBackup } from "@crm/db";
export {
  createBackupService,
  googleSyncFromEnv,
  installJobSchema,
  mailerFromEnv,
  startJobRuntime,
} from "@crm/integrations";
export { backupDirectory } from "./backups";
export { loadDataKeys } from "./data-keys";
export { openDatabase } from "./database";
export { loadCliEnv } from "./env";
export { importFromCli } from "./import-command";
export { createLogger } from "./logger";
export { progressReporter } from "./progress";
export { seedDatabase } from "./seed-data";
