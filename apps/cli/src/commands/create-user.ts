import { type Command, parseCommandLine } from "../command";
import { ArgumentError } from "../usage-error";

export const createUserCommand: Command = {
  name: "create-user",
  summary: "Create an account",
  usage: `Usage: pnpm crm create-user --email EMAIL --name NAME [--password PASSWORD] [--time-zone ZONE]

Creates an account that can sign in at once.

Options:
  --email EMAIL        The address to sign in with (required)
  --name NAME          The name shown in the app (required)
  --password PASSWORD  The password; or set CRM_PASSWORD, which keeps it out of the shell history
  --time-zone ZONE     An IANA time zone such as Europe/Berlin (default UTC)
  -h, --help           Show this text`,
  async run(args) {
    const { values } = parseCommandLine(args, {
      email: { type: "string" },
      name: { type: "string" },
      password: { type: "string" },
      "time-zone": { type: "string" },
    });
    const { loadCliEnv, openDatabase, signup, systemClock } = await import("../runtime");
    const env = loadCliEnv();
    const password = values.password ?? env.CRM_PASSWORD;
    if (!values.email || !values.name || !password) {
      throw new ArgumentError("create-user needs --email, --name and --password (or CRM_PASSWORD)");
    }
    const database = await openDatabase(env);
    try {
      const user = await signup(
        { db: database.db, clock: systemClock },
        { email: values.email, name: values.name, password, timeZone: values["time-zone"] },
      );
      console.log(`Created ${user.email} (${user.id}).`);
    } finally {
      await database.shutdown();
    }
    return 0;
  },
};
