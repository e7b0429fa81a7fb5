import path from "node:path";
import { createDb, type DbHandle, runMigrations, startEmbeddedDatabase } from "@crm/db";
import type { CliEnv } from "./env";

export interface CliDatabase extends DbHandle {
  url: string;
  /** Closes the pool, and stops the embedded server if this command started it. */
  shutdown(): Promise<void>;
}

/**
 * DATABASE_URL, or the embedded cluster in CRM_DATA_DIR: the one the app is running, if it is
 * (never a second server on the same files), else started for this command and stopped after.
 */
export async function openDatabase(env: CliEnv, options: { migrate?: boolean } = {}): Promise<CliDatabase> {
  const embedded = env.DATABASE_URL
    ? null
    : await startEmbeddedDatabase({ dataDir: path.join(env.CRM_DATA_DIR, "pg") });
  const url = env.DATABASE_URL ?? embedded!.url;
  if (options.migrate !== false) await runMigrations(url);
  const handle = createDb(url, { max: 10, applicationName: "crm-cli" });
  return {
    ...handle,
    url,
    shutdown: async () => {
      await handle.close();
      await embedded?.stop();
    },
  };
}
