import type { Database } from "@crm/db";
import { z } from "zod";
import { type DataKeyring, parseDataKey } from "./data-key";
import { checkDataKeyFingerprint } from "./fingerprint";
import { loadOrCreateDataKeyFile } from "./key-file";

/**
 * The environment variable every app reads the key from (server, worker, CLI), validated the same
 * way: 32 random bytes in base64 (openssl rand -base64 32). Unset: the generated key file.
 */
export const dataKeyEnvShape = {
  DATA_ENCRYPTION_KEY: z
    .string()
    .trim()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, "base64").length === 32, {
      message: "must be 32 bytes in base64 (generate one with: openssl rand -base64 32)",
    })
    .optional(),
};

/** The only key version so far; rotation (`crm rotate-key`) adds the next one. */
const CURRENT_KEY_VERSION = 1;

export interface DataKeyConfig {
  /** DATA_ENCRYPTION_KEY as configured (base64 of 32 bytes); unset: the key file in dataDir. */
  configuredKey?: string;
  /** CRM_DATA_DIR: where the generated key file lives. */
  dataDir: string;
}

/**
 * The data encryption key a process (server, worker, CLI command) seals and opens with:
 * DATA_ENCRYPTION_KEY, or the key file generated into the data directory at first start. The
 * database must agree it is the key it was set up with (its fingerprint), or this throws
 * DataKeyError with the reason and the process refuses to start.
 */
export async function resolveDataKeys(
  config: DataKeyConfig,
  db: Database,
  log: (line: string) => void,
): Promise<DataKeyring> {
  let key: Uint8Array;
  if (config.configuredKey) {
    key = parseDataKey(config.configuredKey);
  } else {
    const file = await loadOrCreateDataKeyFile(config.dataDir);
    if (file.created) log(`data encryption key generated into ${file.path}: back it up (sealed data needs it)`);
    key = file.key;
  }
  const current = { version: CURRENT_KEY_VERSION, key };
  await checkDataKeyFingerprint({ db }, current);
  return { current };
}
