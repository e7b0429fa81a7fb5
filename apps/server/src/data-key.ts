import { checkDataKeyFingerprint, type DataKeyring, loadOrCreateDataKeyFile, parseDataKey } from "@crm/core";
import type { Database } from "@crm/db";
import type { Env } from "./env";

/** The only key version so far; rotation (a later `crm rotate-key`) adds the next one. */
const CURRENT_KEY_VERSION = 1;

/**
 * The data encryption key this process seals with: DATA_ENCRYPTION_KEY, or the key file generated
 * into the data directory at first start. Then the database must agree it is the key it was set up
 * with (its fingerprint), or the process refuses to start (throws DataKeyError with the reason).
 */
export async function resolveDataKeys(
  env: Pick<Env, "DATA_ENCRYPTION_KEY" | "CRM_DATA_DIR">,
  db: Database,
  log: (line: string) => void,
): Promise<DataKeyring> {
  let key: Uint8Array;
  if (env.DATA_ENCRYPTION_KEY) {
    key = parseDataKey(env.DATA_ENCRYPTION_KEY);
  } else {
    const file = await loadOrCreateDataKeyFile(env.CRM_DATA_DIR);
    if (file.created) log(`data encryption key generated into ${file.path}: back it up (sealed data needs it)`);
    key = file.key;
  }
  const current = { version: CURRENT_KEY_VERSION, key };
  await checkDataKeyFingerprint({ db }, current);
  return { current };
}
