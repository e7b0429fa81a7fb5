import { type Command, parseCommandLine, wholeNumber } from "../command";

export const seedCommand: Command = {
  name: "seed",
  summary: "Fill the database with realistic fake data",
  usage: `Usage: pnpm crm seed [--users N] [--clients-per-user M]

Adds fake accounts, each with its pipeline stages and clients (names, emails, phones, tags), for
demos and benchmarks. The seeded accounts share one password, printed at the end.

Options:
  --users N             How many accounts (default 3)
  --clients-per-user M  How many clients each (default 50)
  -h, --help            Show this text`,
  async run(args) {
    const { values } = parseCommandLine(args, {
      users: { type: "string" },
      "clients-per-user": { type: "string" },
    });
    const users = wholeNumber(values.users, "users", 3);
    const clientsPerUser = wholeNumber(values["clients-per-user"], "clients-per-user", 50);
    const { loadCliEnv, openDatabase, progressReporter, seedDatabase, systemClock } = await import("../runtime");
    const database = await openDatabase(loadCliEnv());
    try {
      const started = performance.now();
      const progress = progressReporter((done, total) => `Seeded ${done} of ${total} users`);
      const result = await seedDatabase(
        { db: database.db, clock: systemClock },
        { users, clientsPerUser, onProgress: (done) => progress.update(done, users) },
      );
      progress.finish();
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `Seeded ${result.users} users and ${result.clients} clients in ${seconds.toFixed(1)} s. ` +
          `Sign in as ${result.firstEmail ?? "(none)"} with password "${result.password}".`,
      );
    } finally {
      await database.shutdown();
    }
    return 0;
  },
};
