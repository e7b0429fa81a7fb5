import type { BackupService } from "@crm/core";
import { type DbHandle, pruneBackups, writeBackup } from "@crm/db";

/**
 * The nightly backup's implementation: a backup through the process's own connection pool into
 * `dir` (CRM_BACKUP_DIR), then the backups older than `retentionDays` pruned (the newest always kept).
 */
export function createBackupService(options: {
  sql: DbHandle["sql"];
  dir: string;
  retentionDays: number;
}): BackupService {
  return {
    async run(now) {
      const backup = await writeBackup(options.sql, options.dir, now);
      const pruned = await pruneBackups(options.dir, options.retentionDays, now);
      return { file: backup.file, bytes: backup.bytes, pruned };
    },
  };
}
