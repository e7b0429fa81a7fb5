import { type Command, parseCommandLine } from "../command";
import { ArgumentError } from "../usage-error";

export const migrateCommand: Command = {
  name: "migrate",
  summary: "Apply pending database migrations, or revert applied ones (migrate down)",
  usage: `Usage: pnpm crm migrate
       pnpm crm migrate down [--to NAME | --all]

Without arguments: applies the pending database migrations and installs the job queue's schema.

migrate down: reverts applied migrations, newest first, in one transaction (all or nothing), with
each migration's down SQL (packages/db/migrations/down/). Data in the columns and tables a
migration added is lost. Stop the servers and workers that need the newer schema first
(docs/operations.md, "Rolling back").

Options:
  --to NAME   Revert every migration applied after NAME (e.g. 0012 or 0012_accounts); NAME stays
  --all       Revert every migration (an empty schema)
  -h, --help  Show this text
With neither, migrate down reverts only the newest applied migration.`,
  async run(args) {
    const { values, positionals } = parseCommandLine(
      args,
      { to: { type: "string" }, all: { type: "boolean" } },
      { positionals: true },
    );
    const [action, ...rest] = positionals;
    if (rest.length > 0) throw new ArgumentError(`unexpected argument "${rest[0]}"`);
    if (action !== undefined && action !== "down") throw new ArgumentError(`unknown action "${action}" (only "down")`);
    if (action === undefined && (values.to !== undefined || values.all)) {
      throw new ArgumentError("--to and --all belong to `migrate down`");
    }
    if (values.to !== undefined && values.all) throw new ArgumentError("give --to or --all, not both");
    const { installJobSchema, loadCliEnv, openDatabase, revertMigrations, runMigrations } = await import("../runtime");
    const database = await openDatabase(loadCliEnv(), { migrate: false });
    try {
      if (action === "down") {
        const reverted = await revertMigrations(database.url, {
          ...(values.to !== undefined && { to: values.to }),
          ...(values.all && { all: true }),
        });
        console.log(reverted.length ? `Reverted: ${reverted.join(", ")}.` : "Nothing to revert.");
        return 0;
      }
      await runMigrations(database.url);
      await installJobSchema(database.url);
      console.log("Migrations applied.");
    } finally {
      await database.shutdown();
    }
    return 0;
  },
};
