import { type Command, parseCommandLine } from "../command";
import { ArgumentError, UsageError } from "../usage-error";

const DUPLICATE_POLICIES = ["skip", "update", "ask"] as const;
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number];

function parseDuplicatePolicy(value: string | undefined): DuplicatePolicy {
  const policy = value ?? "skip";
  if (!(DUPLICATE_POLICIES as readonly string[]).includes(policy))
    throw new ArgumentError(`--duplicates must be "skip", "update" or "ask", got "${policy}"`);
  return policy as DuplicatePolicy;
}

export const importCommand: Command = {
  name: "import",
  summary: "Import clients from a CSV file",
  usage: `Usage: pnpm crm import FILE --user EMAIL [--duplicates skip|update|ask] [--failed-rows OUT.csv]

Imports clients from a CSV file into an account, the same way the web app does; the columns are
matched to fields automatically. Exits 0 when the import completed.

Options:
  --user EMAIL                  The account that gets the clients (required)
  --duplicates skip|update|ask  Rows whose email a client already has: skip them (default), update
                                the client from them, or ask on stdin for each one
  --failed-rows OUT.csv         Write the rows not imported to OUT.csv, with a Problem column
  -h, --help                    Show this text`,
  async run(args) {
    const { values, positionals } = parseCommandLine(
      args,
      { user: { type: "string" }, duplicates: { type: "string" }, "failed-rows": { type: "string" } },
      { positionals: true },
    );
    const [path, ...extra] = positionals;
    if (!path || !values.user) throw new ArgumentError("import needs a FILE and --user EMAIL");
    if (extra.length) throw new ArgumentError(`unexpected argument "${extra[0]}" (one FILE per import)`);
    const policy = parseDuplicatePolicy(values.duplicates);
    const { findUserByEmail, importFromCli, loadCliEnv, loadDataKeys, openDatabase, systemClock } = await import(
      "../runtime"
    );
    const env = loadCliEnv();
    const database = await openDatabase(env);
    try {
      // A notes column becomes sealed notes.
      const dataKeys = await loadDataKeys(env, database, (line) => console.error(line));
      const base = { db: database.db, clock: systemClock, dataKeys };
      const user = await findUserByEmail(base, values.user);
      if (!user) throw new UsageError(`No user with the email ${values.user}`);
      return await importFromCli({ ...base, userId: user.id }, { path, policy, failedRowsPath: values["failed-rows"] });
    } finally {
      await database.shutdown();
    }
  },
};
