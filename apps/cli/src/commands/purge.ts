import { type Command, parseCommandLine, wholeNumber } from "../command";

export const purgeCommand: Command = {
  name: "purge",
  summary: "Delete for good the clients in Trash past the retention period",
  usage: `Usage: pnpm crm purge [--retention-days D]

Deletes for good the clients that have been in Trash for longer than D days, with their notes.
The worker does the same every night.

Options:
  --retention-days D  Days a client stays restorable (default CRM_TRASH_RETENTION_DAYS, else 90)
  -h, --help          Show this text`,
  async run(args) {
    const { values } = parseCommandLine(args, { "retention-days": { type: "string" } });
    const { DEFAULT_TRASH_RETENTION_DAYS, loadCliEnv, openDatabase, purgeDeletedClients, systemClock } = await import(
      "../runtime"
    );
    const env = loadCliEnv();
    const days = wholeNumber(
      values["retention-days"] ?? env.CRM_TRASH_RETENTION_DAYS?.toString(),
      "retention-days",
      DEFAULT_TRASH_RETENTION_DAYS,
    );
    const database = await openDatabase(env);
    try {
      const purged = await purgeDeletedClients({ db: database.db, clock: systemClock }, days);
      console.log(`Purged ${purged} client(s) that had been in Trash for more than ${days} days.`);
    } finally {
      await database.shutdown();
    }
    return 0;
  },
};
