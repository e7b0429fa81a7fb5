import path from "node:path";
import { type Command, parseCommandLine } from "../command";
import { ArgumentError } from "../usage-error";

export const restoreCommand: Command = {
  name: "restore",
  summary: "Restore a backup into an empty database",
  usage: `Usage: pnpm crm restore FILE [--into DATABASE_URL] [--force]

Restores a backup written by \`crm backup\` (FILE and FILE.sha256): checks the checksum, rebuilds
the schema at the backup's migration level, loads every table in one transaction, checks each
table's row count and content against the backup, then migrates up to this version. Stop the
app and its workers first (docs/operations.md, "Restore drill").

Options:
  --into URL  The database to restore into (default DATABASE_URL, else the embedded one)
  --force     Replace what the target holds (refused by default unless it is empty)
  -h, --help  Show this text`,
  async run(args) {
    const { values, positionals } = parseCommandLine(
      args,
      { into: { type: "string" }, force: { type: "boolean" } },
      { positionals: true },
    );
    const [file, ...rest] = positionals;
    if (!file) throw new ArgumentError("name the backup file to restore");
    if (rest.length > 0) throw new ArgumentError(`unexpected argument "${rest[0]}"`);
    if (values.into !== undefined && !/^postgres(ql)?:\/\//.test(values.into)) {
      throw new ArgumentError("--into must be a postgres:// connection string");
    }
    const { installJobSchema, loadCliEnv, openDatabase, restoreBackup } = await import("../runtime");
    const env = loadCliEnv();
    const database = await openDatabase(values.into ? { ...env, DATABASE_URL: values.into } : env, { migrate: false });
    try {
      const started = performance.now();
      const result = await restoreBackup(database.url, path.resolve(file), {
        force: values.force === true,
        installJobSchema,
        onProgress: (line) => process.stderr.write(`${line}\n`),
      });
      const rows = Object.values(result.tables).reduce((sum, t) => sum + t.rows, 0);
      console.log(
        `Restored ${rows} rows in ${Object.keys(result.tables).length} tables from the backup of ` +
          `${result.header.createdAt}; every table matches it. ` +
          `${result.migratedAfter} newer migration(s) applied. ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      await database.shutdown();
    }
    return 0;
  },
};
