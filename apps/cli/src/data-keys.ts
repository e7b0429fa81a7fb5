import { type DataKeyring, resolveDataKeys } from "@crm/core";
import type { CliDatabase } from "./database";
import type { CliEnv } from "./env";

/**
 * The data encryption key for commands that read or write sealed text (the worker, export,
 * rotate-key): the same DATA_ENCRYPTION_KEY or key file as the server, checked against the database.
 */
export function loadDataKeys(env: CliEnv, database: CliDatabase, log: (line: string) => void): Promise<DataKeyring> {
  return resolveDataKeys(
    {
      configuredKey: env.DATA_ENCRYPTION_KEY,
      previousKeys: env.DATA_ENCRYPTION_PREVIOUS_KEYS,
      dataDir: env.CRM_DATA_DIR,
      production: env.NODE_ENV === "production",
    },
    database.db,
    log,
  );
}
