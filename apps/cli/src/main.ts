#!/usr/bin/env -S npx tsx
import { parseArgs } from "node:util";
import {
  allJobs,
  DEFAULT_TRASH_RETENTION_DAYS,
  DomainError,
  findUserByEmail,
  purgeDeletedClients,
  signup,
  systemClock,
} from "@crm/core";
import { runMigrations } from "@crm/db";
import { googleSyncFromEnv, installJobSchema, mailerFromEnv, startJobRuntime } from "@crm/integrations";
import { openDatabase } from "./database";
import { loadCliEnv } from "./env";
import { importFromCli, parseDuplicatePolicy } from "./import-command";
import { seedDatabase } from "./seed";
import { UsageError } from "./usage-error";

const USAGE = `Usage: pnpm crm <command> [options]

Commands:
  migrate                                  Apply pending database migrations
  create-user --email E --name N [--password P] [--time-zone Z]
                                           Create an account (password from --password or CRM_PASSWORD)
  seed [--users N] [--clients-per-user M]  Fill the database with realistic fake data
  import FILE --user EMAIL [--duplicates skip|update|ask] [--failed-rows OUT.csv]
                                           Import clients from a CSV file (columns matched automatically);
                                           "ask" asks on stdin what to do with each existing email
  worker                                   Run background jobs (reminders, imports, purge, calendar sync) until stopped
  purge [--retention-days D]               Delete for good the clients in Trash for longer than D days
                                           (default ${DEFAULT_TRASH_RETENTION_DAYS}, or CRM_TRASH_RETENTION_DAYS)
  help                                     Show this text

The database is DATABASE_URL, or the embedded PostgreSQL in CRM_DATA_DIR (default ./.data);
while the app runs on the embedded database, commands use that running server.`;

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help") {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const env = loadCliEnv();

  switch (command) {
    case "migrate": {
      const database = await openDatabase(env, { migrate: false });
      try {
        await runMigrations(database.url);
        await installJobSchema(database.url);
        console.log("Migrations applied.");
      } finally {
        await database.shutdown();
      }
      return 0;
    }
    case "create-user": {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: "string" },
          name: { type: "string" },
          password: { type: "string" },
          "time-zone": { type: "string" },
        },
      });
      const password = values.password ?? process.env.CRM_PASSWORD;
      if (!values.email || !values.name || !password) {
        throw new UsageError("create-user needs --email, --name and --password (or CRM_PASSWORD)");
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
    }
    case "seed": {
      const { values } = parseArgs({
        args: rest,
        options: { users: { type: "string" }, "clients-per-user": { type: "string" } },
      });
      const users = positiveInt(values.users, "users", 3);
      const clientsPerUser = positiveInt(values["clients-per-user"], "clients-per-user", 50);
      const database = await openDatabase(env);
      try {
        const started = performance.now();
        const result = await seedDatabase(
          { db: database.db, clock: systemClock },
          {
            users,
            clientsPerUser,
            onProgress: (done) => process.stdout.write(`\rSeeded ${done} of ${users} users`),
          },
        );
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write("\n");
        console.log(
          `Seeded ${result.users} users and ${result.clients} clients in ${seconds.toFixed(1)} s. ` +
            `Sign in as ${result.firstEmail ?? "(none)"} with password "${result.password}".`,
        );
      } finally {
        await database.shutdown();
      }
      return 0;
    }
    case "import": {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { user: { type: "string" }, duplicates: { type: "string" }, "failed-rows": { type: "string" } },
      });
      const path = positionals[0];
      if (!path || !values.user) throw new UsageError("import needs a FILE and --user EMAIL");
      const policy = parseDuplicatePolicy(values.duplicates);
      const database = await openDatabase(env);
      try {
        const base = { db: database.db, clock: systemClock };
        const user = await findUserByEmail(base, values.user);
        if (!user) throw new UsageError(`No user with the email ${values.user}`);
        return await importFromCli(
          { ...base, userId: user.id },
          { path, policy, failedRowsPath: values["failed-rows"] },
        );
      } finally {
        await database.shutdown();
      }
    }
    case "worker": {
      const database = await openDatabase(env);
      const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
      const mailer = mailerFromEnv(env, log);
      const calendar = googleSyncFromEnv(env, env.APP_URL);
      const runtime = await startJobRuntime({
        connectionString: database.url,
        definitions: allJobs,
        work: true,
        context: () => ({
          db: database.db,
          clock: systemClock,
          email: { mailer, from: env.EMAIL_FROM },
          ...(calendar && { calendar }),
        }),
        log: {
          info: (message) => console.log(`${new Date().toISOString()} ${message}`),
          error: (message) => console.error(`${new Date().toISOString()} ${message}`),
        },
      });
      console.log(`Worker running ${allJobs.length} queue(s); Ctrl-C to stop.`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      console.log("Stopping: finishing the jobs in hand...");
      await runtime.stop();
      await database.shutdown();
      return 0;
    }
    case "purge": {
      const { values } = parseArgs({ args: rest, options: { "retention-days": { type: "string" } } });
      const days = positiveInt(
        values["retention-days"] ?? env.CRM_TRASH_RETENTION_DAYS,
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
    }
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof DomainError) {
      const field = error instanceof DomainError && error.field ? ` (${error.field})` : "";
      console.error(`crm: ${error.message}${field}`);
      process.exit(2);
    }
    console.error(`crm: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
