import { type Command, parseCommandLine } from "../command";

export const migrateCommand: Command = {
  name: "migrate",
  summary: "Apply pending database migrations",
  usage: `Usage: pnpm crm migrate

Applies the pending database migrations and installs the job queue's schema.

Options:
  -h, --help  Show this text`,
  async run(args) {
    parseCommandLine(args, {});
    const { installJobSchema, loadCliEnv, openDatabase, runMigrations } = await import("../runtime");
    const database = await openDatabase(loadCliEnv(), { migrate: false });
    try {
      await runMigrations(database.url);
      await installJobSchema(database.url);
      console.log("Migrations applied.");
    } finally {
      await database.shutdown();
    }
    return 0;
  },
};
