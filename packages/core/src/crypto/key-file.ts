import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { DataKeyError, generateDataKey, parseDataKey } from "./data-key";

export const DATA_KEY_FILE_NAME = "data-encryption.key";

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
