import { type Command, parseCommandLine } from "../command";

export const workerCommand: Command = {
  name: "worker",
  summary: "Run background jobs until stopped",
  usage: `Usage: pnpm crm worker

Runs the background jobs (reminders, imports, calendar sync, the Trash purge and the other retention
jobs) in this process until SIGINT or SIGTERM, then finishes the jobs in hand. Any number of workers
can share a database. Logs are JSON lines on stdout, as the server's (LOG_LEVEL sets the level).

Options:
  -h, --help  Show this text`,
  async run(args) {
    parseCommandLine(args, {});
    const {
      allJobs,
      backupDirectory,
      createBackupService,
      createLogger,
      googleSyncFromEnv,
      loadCliEnv,
      loadDataKeys,
      mailerFromEnv,
      openDatabase,
      retentionPolicyFromEnv,
      startJobRuntime,
      systemClock,
    } = await import("../runtime");
    const env = loadCliEnv();
    const log = createLogger(env);
    const calendar = googleSyncFromEnv(env, env.APP_URL);
    const database = await openDatabase(env);
    const mailer = mailerFromEnv(env, (line) => log.info(line));
    const dataKeys = await loadDataKeys(env, database, (line) => log.warn(line));
    const backups = createBackupService({
      sql: database.sql,
      dir: backupDirectory(env),
      retentionDays: env.CRM_BACKUP_RETENTION_DAYS,
    });
    const runtime = await startJobRuntime({
      connectionString: database.url,
      definitions: allJobs,
      work: true,
      context: () => ({
        db: database.db,
        clock: systemClock,
        email: { mailer, from: env.EMAIL_FROM },
        appUrl: env.APP_URL,
        dataKeys,
        backups,
        retention: retentionPolicyFromEnv(env),
        ...(calendar && { calendar }),
      }),
      log: {
        info: (message, details) => log.info(details ?? {}, message),
        error: (message, details) => log.error(details ?? {}, message),
      },
    });
    log.info(`Worker running ${allJobs.length} queue(s); Ctrl-C to stop.`);
    const signal = await new Promise<string>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    log.info(`${signal}: finishing the jobs in hand, then stopping`);
    await runtime.stop();
    await database.shutdown();
    log.info("Worker stopped");
    return 0;
  },
};
