export { BACKUP_SUFFIX, type BackupHeader, type BackupTrailer } from "./format";
export { pruneBackups } from "./prune";
export { BackupError, type RestoreOptions, type RestoreResult, restoreBackup, verifyBackupChecksum } from "./restore";
export { type BackupResult, backupFileName, writeBackup } from "./write";
