import path from "node:path";
import { type Command, parseCommandLine } from "../command";

export const backupCommand: Command = {
  name: "backup",
  summary: "Write a consistent, compressed backup of the whole database",
  usage: `Usage: pnpm crm backup [--out DIR]

Writes crm-<date>-<time>.crmbackup.gz and its .sha256 into DIR: every table of the app and the
job queue's waiting jobs, read in one snapshot while the app keeps running, with the migration
level and each table's row count and content digest. Works on the embedded database and on
DATABASE_URL alike, with nothing else installed. The worker writes one every night into
CRM_BACKUP_DIR and keeps CRM_BACKUP_RETENTION_DAYS of them (docs/operations.md, "Backups").

Options:
  --out DIR   Where to write it (default CRM_BACKUP_DIR, else <CRM_DATA_DIR>/backups)
  -h, --help  Show this text`,
  async run(args) {
    const { values } = parseCommandLine(args, { out: { type: "string" } });
    const { backupDirectory, loadCliEnv, openDatabase, writeBackup } = await import("../runtime");
    const env = loadCliEnv();
    const dir = path.resolve(values.out ?? backupDirectory(env));
    const database = await openDatabase(env);
    try {
      const started = performance.now();
      const backup = await writeBackup(database.sql, dir);
      const rows = Object.values(backup.trailer.tables).reduce((sum, t) => sum + t.rows, 0);
      console.log(
        `Backup written: ${backup.file}\n  ${rows} rows in ${backup.header.tables.length} tables, ` +
          `${(backup.bytes / 1_048_576).toFixed(1)} MB, migration ${backup.header.migrations.at(-1)?.tag ?? "none"}, ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s\n  sha256 ${backup.sha256}`,
      );
    } finally {
      await database.shutdown();
    }
    return 0;
  },
};
