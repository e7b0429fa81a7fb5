import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { findUserByEmail, systemClock, writeAccountExport } from "@crm/core";
import { loadDataKeys } from "./data-keys";
import { openDatabase } from "./database";
import { loadCliEnv } from "./env";
import { progressReporter } from "./progress";

/**
 * `crm export`: the account's zip written straight to a file as it is built (a temporary name
 * beside it, renamed at the end, so FILE is never a half-written zip). 0 on success, 1 when the
 * account does not exist or the export fails.
 */
export async function exportToFile(options: { email: string; out: string }): Promise<number> {
  const env = loadCliEnv();
  const database = await openDatabase(env);
  const partial = `${options.out}.partial`;
  try {
    const base = { db: database.db, clock: systemClock };
    const user = await findUserByEmail(base, options.email);
    if (!user) {
      console.error(`No user with the email ${options.email}`);
      return 1;
    }
    const dataKeys = await loadDataKeys(env, database, (line) => console.error(line));
    const file = createWriteStream(partial);
    const opened = once(file, "open");
    await opened;
    const progress = progressReporter((done) => `Exporting ${options.email}: ${done}%`);
    let stage = "";
    try {
      const { bytes } = await writeAccountExport(
        { ...base, dataKeys },
        {
          ownerId: user.id,
          sink: {
            async write(chunk) {
              if (!file.write(chunk)) await once(file, "drain");
            },
          },
          onProgress: (p) => {
            stage = p.stage;
            progress.update(p.progress, 100);
          },
        },
      );
      file.end();
      await once(file, "finish");
      progress.update(100, 100);
      progress.finish();
      await rename(partial, options.out);
      console.log(`Wrote ${options.out} (${(bytes / 1024 / 1024).toFixed(1)} MB).`);
      return 0;
    } catch (error) {
      progress.finish();
      file.destroy();
      await rm(partial, { force: true });
      console.error(`The export failed${stage ? ` while writing ${stage}` : ""}: ${(error as Error).message}`);
      return 1;
    }
  } finally {
    await database.shutdown();
  }
}
