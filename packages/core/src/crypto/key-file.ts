import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type DataKey, DataKeyError, type DataKeyring, generateDataKey, parseDataKey } from "./data-key";

/** Version 1's file (the first generated key); later versions are data-encryption.v<N>.key. */
export const DATA_KEY_FILE_NAME = "data-encryption.key";

export function dataKeyFileName(version: number): string {
  return version === 1 ? DATA_KEY_FILE_NAME : `data-encryption.v${version}.key`;
}

const VERSIONED = /^data-encryption\.v(\d+)\.key$/;

/**
 * The key of a deployment that configured none: generated at first start into the data directory
 * (owner-only permissions) and read back on every later start. Losing the file makes sealed values
 * unreadable, so it belongs in backups, away from the database dumps.
 */
export async function loadOrCreateDataKeyFile(
  dataDir: string,
): Promise<{ key: Uint8Array; path: string; created: boolean }> {
  const file = path.join(dataDir, DATA_KEY_FILE_NAME);
  let existing: string | null = null;
  try {
    existing = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (existing !== null) {
    try {
      return { key: parseDataKey(existing), path: file, created: false };
    } catch (error) {
      throw new DataKeyError(`${file}: ${(error as Error).message}`);
    }
  }
  const key = generateDataKey();
  await mkdir(dataDir, { recursive: true });
  try {
    // "wx": two processes starting at once on one data directory must not each write their own key.
    await writeFile(file, `${Buffer.from(key).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateDataKeyFile(dataDir);
    throw error;
  }
  return { key, path: file, created: true };
}

/**
 * Every key file in the data directory, oldest version first. Synchronous: a running process calls
 * it (rarely) from inside a seal or an open, which are synchronous.
 */
export function readDataKeyFiles(dataDir: string): DataKey[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const keys: DataKey[] = [];
  for (const name of names) {
    const version = name === DATA_KEY_FILE_NAME ? 1 : Number(VERSIONED.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(version) || version < 1) continue;
    const file = path.join(dataDir, name);
    try {
      keys.push({ version, key: parseDataKey(readFileSync(file, "utf8")) });
    } catch (error) {
      throw new DataKeyError(`${file}: ${(error as Error).message}`);
    }
  }
  return keys.sort((a, b) => a.version - b.version);
}

/** Writes the next version's key file (rotation in the key-file setup); refuses to overwrite one. */
export async function createDataKeyFile(dataDir: string, version: number): Promise<{ key: DataKey; path: string }> {
  const key = { version, key: generateDataKey() };
  const file = path.join(dataDir, dataKeyFileName(version));
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, `${Buffer.from(key.key).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new DataKeyError(`${file} already exists: another rotation made it; run rotate-key again to finish`);
    }
    throw error;
  }
  return { key, path: file };
}

/** How often a sealing process looks for a newer key file. */
export const KEY_FILE_RELOAD_MS = 5_000;

/**
 * The keyring of the key-file setup: the newest file seals, every file opens. A process picks up a
 * key file written after it started (by `crm rotate-key` in another process) within
 * KEY_FILE_RELOAD_MS when sealing, and at once when it meets a value sealed with it.
 */
export function keyFileKeyring(dataDir: string, keys: DataKey[], now: () => number = Date.now): DataKeyring {
  if (keys.length === 0) throw new DataKeyError(`no data encryption key file in ${dataDir}`);
  let sorted = [...keys].sort((a, b) => a.version - b.version);
  let checkedAt = now();
  const keyring: DataKeyring = {
    current: sorted[sorted.length - 1]!,
    older: sorted.slice(0, -1).reverse(),
    reload(reason) {
      if (reason === "seal" && now() - checkedAt < KEY_FILE_RELOAD_MS) return;
      checkedAt = now();
      const found = readDataKeyFiles(dataDir);
      if (found.length === 0 || found[found.length - 1]!.version <= keyring.current.version) return;
      sorted = found;
      keyring.current = sorted[sorted.length - 1]!;
      keyring.older = sorted.slice(0, -1).reverse();
    },
  };
  return keyring;
}
