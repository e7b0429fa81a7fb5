import { existsSync } from "node:fs";
import path from "node:path";
import { type Database, schema } from "@crm/db";
import { isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import { type DataKey, DataKeyError, type DataKeyring, parseDataKey } from "./data-key";
import { checkDataKeyFingerprint } from "./fingerprint";
import { DATA_KEY_FILE_NAME, keyFileKeyring, loadOrCreateDataKeyFile, readDataKeyFiles } from "./key-file";

const BASE64_KEY = /^[A-Za-z0-9+/]+={0,2}$/;
const isKey = (v: string) => BASE64_KEY.test(v) && Buffer.from(v, "base64").length === 32;
const GENERATE = "generate one with: openssl rand -base64 32";

/**
 * A configured key: `<base64>` (version 1, the form before versions existed) or `<version>:<base64>`.
 * Throws DataKeyError with a message fit for the operator.
 */
export function parseVersionedKey(value: string, defaultVersion = 1): DataKey {
  const trimmed = value.trim();
  const match = /^(\d+):(.*)$/.exec(trimmed);
  const version = match ? Number(match[1]) : defaultVersion;
  if (!Number.isSafeInteger(version) || version < 1) throw new DataKeyError("the key version must be 1 or more");
  return { version, key: parseDataKey(match ? match[2]! : trimmed) };
}

/** DATA_ENCRYPTION_PREVIOUS_KEYS: `<version>:<base64>` entries, comma-separated. */
export function parsePreviousKeys(value: string | undefined): DataKey[] {
  if (!value?.trim()) return [];
  return value.split(",").map((entry) => {
    if (!/^\s*\d+:/.test(entry)) throw new DataKeyError("each previous key is <version>:<base64>");
    return parseVersionedKey(entry);
  });
}

/**
 * The environment variables every app reads the keys from (server, worker, CLI), validated the same
 * way. DATA_ENCRYPTION_KEY seals: 32 random bytes in base64 (version 1) or `<version>:<base64>`.
 * DATA_ENCRYPTION_PREVIOUS_KEYS open what older versions sealed until `crm rotate-key` has re-sealed
 * it. Unset: the generated key files (never in production).
 */
export const dataKeyEnvShape = {
  DATA_ENCRYPTION_KEY: z
    .string()
    .trim()
    .refine((v) => isKey(v.replace(/^\d+:/, "")) && !/^0+:/.test(v), {
      message: `must be 32 bytes in base64, optionally after its version as <version>:<base64> (${GENERATE})`,
    })
    .optional(),
  DATA_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .trim()
    .refine(
      (v) => v === "" || v.split(",").every((e) => /^\s*[1-9]\d*:/.test(e) && isKey(e.trim().replace(/^\d+:/, ""))),
      {
        message: "must be <version>:<base64 of 32 bytes> entries separated by commas",
      },
    )
    .optional(),
};

export interface DataKeyConfig {
  /** DATA_ENCRYPTION_KEY as configured; unset: the key files in dataDir (outside production). */
  configuredKey?: string | undefined;
  /** DATA_ENCRYPTION_PREVIOUS_KEYS as configured (only with configuredKey). */
  previousKeys?: string | undefined;
  /** CRM_DATA_DIR: where the generated key files live. */
  dataDir: string;
  /** NODE_ENV=production: a key is never generated; DATA_ENCRYPTION_KEY is required. */
  production?: boolean;
}

/**
 * The data encryption keys a process (server, worker, CLI command) seals and opens with:
 * DATA_ENCRYPTION_KEY (+ DATA_ENCRYPTION_PREVIOUS_KEYS), or the key files generated into the data
 * directory. Every loaded version must be the one the database recorded (its fingerprint), and every
 * version the database still needs (not retired by rotate-key) must be loaded; otherwise this throws
 * DataKeyError with the reason and the process refuses to start.
 */
export async function resolveDataKeys(
  config: DataKeyConfig,
  db: Database,
  log: (line: string) => void,
): Promise<DataKeyring> {
  let keyring: DataKeyring;
  if (config.configuredKey) {
    const current = parseVersionedKey(config.configuredKey);
    const older = parsePreviousKeys(config.previousKeys);
    const versions = new Set([current.version]);
    for (const key of older) {
      if (key.version >= current.version) {
        throw new DataKeyError(
          `DATA_ENCRYPTION_PREVIOUS_KEYS holds version ${key.version}, not older than DATA_ENCRYPTION_KEY's version ${current.version}`,
        );
      }
      if (versions.has(key.version)) throw new DataKeyError(`key version ${key.version} is configured twice`);
      versions.add(key.version);
    }
    keyring = { current, older: older.sort((a, b) => b.version - a.version) };
  } else if (config.production) {
    throw new DataKeyError(await productionRefusal(db, config.dataDir));
  } else {
    // Generated only when there is no key file at all: once rotation has retired version 1, its file
    // may be deleted, and a fresh "version 1" must not appear in its place.
    if (readDataKeyFiles(config.dataDir).length === 0) {
      const file = await loadOrCreateDataKeyFile(config.dataDir);
      if (file.created) log(`data encryption key generated into ${file.path}: back it up (sealed data needs it)`);
    }
    keyring = keyFileKeyring(config.dataDir, readDataKeyFiles(config.dataDir));
  }
  const loaded = [keyring.current, ...(keyring.older ?? [])];
  for (const key of loaded) await checkDataKeyFingerprint({ db }, key);
  const recorded = await db
    .select({ version: schema.encryptionKeys.version, retiredAt: schema.encryptionKeys.retiredAt })
    .from(schema.encryptionKeys);
  const missing = recorded.filter((r) => !r.retiredAt && !loaded.some((k) => k.version === r.version));
  if (missing.length) {
    const versions = missing.map((r) => r.version).join(", ");
    throw new DataKeyError(
      `values sealed with key version ${versions} may exist and that key is not loaded: ` +
        (config.configuredKey
          ? `add it to DATA_ENCRYPTION_PREVIOUS_KEYS as <version>:<base64> until \`crm rotate-key\` has re-sealed them`
          : `its key file is missing from ${config.dataDir} (restore it from the backup)`),
    );
  }
  const retired = recorded.filter((r) => r.retiredAt && r.version !== keyring.current.version);
  for (const r of retired) {
    if (loaded.some((k) => k.version === r.version)) {
      log(`data encryption key version ${r.version} is retired (nothing sealed with it remains): it may be removed`);
    }
  }
  return keyring;
}

/** Why production will not start without DATA_ENCRYPTION_KEY, with what the database already holds. */
async function productionRefusal(db: Database, dataDir: string): Promise<string> {
  const sealed = await sealedDataExists(db);
  const file = path.join(dataDir, DATA_KEY_FILE_NAME);
  const hint = existsSync(file)
    ? ` The key generated earlier is in ${file}: set DATA_ENCRYPTION_KEY to its content.`
    : "";
  const why = sealed
    ? "this database holds sealed values (notes, booking notes or two-factor secrets) that cannot be read without it."
    : "notes, booking notes and two-factor secrets are sealed with it, and in production no key is generated onto a server's disk.";
  return `DATA_ENCRYPTION_KEY is not set, and NODE_ENV=production requires it: ${why} Set the same key on every process (${GENERATE}).${hint}`;
}

/** Whether anything was ever sealed here: a recorded key, or a sealed note, booking note or secret. */
export async function sealedDataExists(db: Database): Promise<boolean> {
  const { encryptionKeys, clientNotes, bookings, users } = schema;
  const [row] = await db.execute<{ sealed: boolean }>(sql`select (
      exists (select 1 from ${encryptionKeys})
      or exists (select 1 from ${clientNotes} where ${isNotNull(clientNotes.keyVersion)})
      or exists (select 1 from ${bookings} where ${isNotNull(bookings.notesKeyVersion)})
      or exists (select 1 from ${users} where ${isNotNull(users.twoFactorSecret)})
    ) as sealed`);
  return row?.sealed === true;
}
