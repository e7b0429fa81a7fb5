import { type Command, parseCommandLine, wholeNumber } from "../command";
import { UsageError } from "../usage-error";

export const rotateKeyCommand: Command = {
  name: "rotate-key",
  summary: "Re-seal notes and other sensitive text with the current data encryption key",
  usage: `Usage: pnpm crm rotate-key [--new-key] [--batch-size N] [--settle-seconds S]

Re-seals every sensitive value (note bodies, booking notes, two-factor secrets) that is not sealed
with the current data encryption key, plain text from before encryption included, while the app
keeps running: small batches, each write only if the row is unchanged since it was read (an edit
made meanwhile is never overwritten). When nothing older is left, the older key versions are marked
retired and may be removed from the configuration. Safe to stop and run again.

With DATA_ENCRYPTION_KEY: first give every process the new key as the next version
(DATA_ENCRYPTION_KEY=<version>:<base64>, the old one in DATA_ENCRYPTION_PREVIOUS_KEYS), restart them,
then run this. With the generated key files (no DATA_ENCRYPTION_KEY): --new-key writes the next
key file into CRM_DATA_DIR; running processes pick it up within seconds. See docs/privacy.md.

Options:
  --new-key           Generate the next key file first (key-file setup only)
  --batch-size N      Rows per transaction (default 200)
  --settle-seconds S  Wait before the last pass so every process has picked up a new key file
                      (default 10 with key files, 0 with DATA_ENCRYPTION_KEY)
  -h, --help          Show this text`,
  async run(args) {
    const { values } = parseCommandLine(args, {
      "new-key": { type: "boolean" },
      "batch-size": { type: "string" },
      "settle-seconds": { type: "string" },
    });
    const batchSize = wholeNumber(values["batch-size"], "batch-size", 200);
    if (batchSize < 1) throw new UsageError("--batch-size must be 1 or more");
    const {
      KEY_FILE_RELOAD_MS,
      createDataKeyFile,
      loadCliEnv,
      loadDataKeys,
      openDatabase,
      readDataKeyFiles,
      rotateSealedData,
      systemClock,
    } = await import("../runtime");
    const env = loadCliEnv();
    if (values["new-key"] && env.DATA_ENCRYPTION_KEY) {
      throw new UsageError(
        "--new-key is for the generated key files; with DATA_ENCRYPTION_KEY set, configure the new key as " +
          "DATA_ENCRYPTION_KEY=<next version>:<base64> and the old one in DATA_ENCRYPTION_PREVIOUS_KEYS, restart, then run rotate-key",
      );
    }
    const settleSeconds = wholeNumber(
      values["settle-seconds"],
      "settle-seconds",
      env.DATA_ENCRYPTION_KEY ? 0 : Math.ceil((2 * KEY_FILE_RELOAD_MS) / 1000),
    );
    const database = await openDatabase(env);
    try {
      const log = (line: string) => console.error(line);
      // The configuration must be sound (every recorded version loaded) before a new key is added.
      let dataKeys = await loadDataKeys(env, database, log);
      if (values["new-key"]) {
        const newest = readDataKeyFiles(env.CRM_DATA_DIR).at(-1)?.version ?? 0;
        const created = await createDataKeyFile(env.CRM_DATA_DIR, Math.max(newest, dataKeys.current.version) + 1);
        console.log(`New data encryption key version ${created.key.version} written to ${created.path}: back it up.`);
        dataKeys = await loadDataKeys(env, database, log);
      }
      const version = dataKeys.current.version;
      console.log(`Re-sealing sensitive values with key version ${version}…`);
      const totals = new Map<string, number>();
      const result = await rotateSealedData(
        { db: database.db, clock: systemClock, dataKeys },
        {
          batchSize,
          settleMs: settleSeconds * 1000,
          onProgress: (p) => {
            const done = (totals.get(p.field) ?? 0) + p.resealed;
            totals.set(p.field, done);
            const meanwhile = p.changedMeanwhile ? ` (${p.changedMeanwhile} edited meanwhile, retried)` : "";
            console.error(`  ${p.field}: ${done} re-sealed${meanwhile}`);
          },
        },
      );
      const fields = Object.entries(result.resealed);
      const summary = fields.length ? fields.map(([field, n]) => `${field} ${n}`).join(", ") : "nothing to do";
      console.log(`Re-sealed: ${summary}.`);
      if (result.activityScrubbed) {
        console.log(`Removed note text from ${result.activityScrubbed} activity entries written before encryption.`);
      }
      for (const bad of result.unreadable) {
        console.error(`Could not open ${bad.field} of row ${bad.id}: ${bad.reason}. Left as it is.`);
      }
      if (result.remaining > 0 || result.unreadable.length > 0) {
        console.error(
          `${result.remaining} value(s) are still not at key version ${version}: no older key was retired. ` +
            "Run rotate-key again (every process must have the new key).",
        );
        return 1;
      }
      const where = env.DATA_ENCRYPTION_KEY ? "DATA_ENCRYPTION_PREVIOUS_KEYS" : `its key file in ${env.CRM_DATA_DIR}`;
      for (const retired of result.retired) {
        console.log(`Key version ${retired} retired: nothing sealed with it remains; remove it from ${where}.`);
      }
      console.log(`Every sensitive value is sealed with key version ${version}.`);
      return 0;
    } finally {
      await database.shutdown();
    }
  },
};
