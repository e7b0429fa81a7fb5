import path from "node:path";
import type { CliEnv } from "./env";

/** CRM_BACKUP_DIR, else <CRM_DATA_DIR>/backups: the same default as the server's nightly backup. */
export function backupDirectory(env: Pick<CliEnv, "CRM_BACKUP_DIR" | "CRM_DATA_DIR">): string {
  return path.resolve(env.CRM_BACKUP_DIR ?? path.join(env.CRM_DATA_DIR, "backups"));
}
