import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DataKeyError, openData, sealData } from "./data-key";
import {
  createDataKeyFile,
  DATA_KEY_FILE_NAME,
  KEY_FILE_RELOAD_MS,
  keyFileKeyring,
  readDataKeyFiles,
} from "./key-file";
import { dataKeyEnvShape, parsePreviousKeys, parseVersionedKey, resolveDataKeys } from "./resolve-keys";

const testDb = useTestDatabase();
const keyA = new Uint8Array(32).fill(1);
const keyB = new Uint8Array(32).fill(2);
const keyC = new Uint8Array(32).fill(3);
const b64 = (key: Uint8Array) => Buffer.from(key).toString("base64");
const tempDir = () => path.join(mkdtempSync(path.join(tmpdir(), "crm-keys-")), "data");
const lines: string[] = [];
const log = (line: string) => lines.push(line);

// In file order: the production checks first, on a database where nothing was sealed yet.
describe("production without DATA_ENCRYPTION_KEY", () => {
  it("refuses to start, naming the variable, and writes no key file, even on an empty database", async () => {
    const dataDir = tempDir();
    const refusal = resolveDataKeys({ dataDir, production: true }, testDb().db, log);
    await expect(refusal).rejects.toThrow(DataKeyError);
    await expect(refusal).rejects.toThrow(
      /^DATA_ENCRYPTION_KEY is not set, and NODE_ENV=production requires it: notes, booking notes and two-factor secrets are sealed with it/,
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it("says the database holds sealed values once any exist, and points at a key file generated earlier", async () => {
    const dataDir = tempDir();
    // A development start generated and recorded a key; then the same data directory runs in production.
    await resolveDataKeys({ dataDir }, testDb().db, log);
    expect(existsSync(path.join(dataDir, DATA_KEY_FILE_NAME))).toBe(true);
    await expect(resolveDataKeys({ dataDir, production: true }, testDb().db, log)).rejects.toThrow(
      `this database holds sealed values (notes, booking notes or two-factor secrets) that cannot be read without it. ` +
        `Set the same key on every process (generate one with: openssl rand -base64 32). ` +
        `The key generated earlier is in ${path.join(dataDir, DATA_KEY_FILE_NAME)}: set DATA_ENCRYPTION_KEY to its content.`,
    );
    // With the key configured, production starts.
    const key = readDataKeyFiles(dataDir)[0]!.key;
    const keys = await resolveDataKeys({ dataDir, production: true, configuredKey: b64(key) }, testDb().db, log);
    expect(keys.current).toEqual({ version: 1, key });
    await testDb().db.delete(schema.encryptionKeys);
  });
});

describe("configured keys", () => {
  it("reads <base64> as version 1 and <version>:<base64>; validates both variables", () => {
    expect(parseVersionedKey(b64(keyA))).toEqual({ version: 1, key: keyA });
    expect(parseVersionedKey(`3:${b64(keyB)}`)).toEqual({ version: 3, key: keyB });
    expect(parsePreviousKeys(`1:${b64(keyA)}, 2:${b64(keyB)}`)).toEqual([
      { version: 1, key: keyA },
      { version: 2, key: keyB },
    ]);
    expect(() => parsePreviousKeys(b64(keyA))).toThrow("each previous key is <version>:<base64>");
    const env = z.object(dataKeyEnvShape);
    expect(env.safeParse({ DATA_ENCRYPTION_KEY: `2:${b64(keyB)}` }).success).toBe(true);
    expect(env.safeParse({ DATA_ENCRYPTION_KEY: b64(keyB) }).success).toBe(true);
    expect(env.safeParse({ DATA_ENCRYPTION_KEY: `0:${b64(keyB)}` }).success).toBe(false);
    expect(env.safeParse({ DATA_ENCRYPTION_KEY: "2:c2hvcnQ=" }).success).toBe(false);
    expect(env.safeParse({ DATA_ENCRYPTION_PREVIOUS_KEYS: `1:${b64(keyA)},2:${b64(keyB)}` }).success).toBe(true);
    const bad = env.safeParse({ DATA_ENCRYPTION_PREVIOUS_KEYS: b64(keyA) });
    expect(bad.error?.issues[0]?.path).toEqual(["DATA_ENCRYPTION_PREVIOUS_KEYS"]);
  });

  it("checks the fingerprint of every configured version, and refuses a previous key not older than the current", async () => {
    const db = testDb().db;
    const dataDir = "/nonexistent";
    const v1 = await resolveDataKeys({ configuredKey: b64(keyA), dataDir }, db, log);
    expect(v1).toEqual({ current: { version: 1, key: keyA }, older: [] });
    // The new key as version 2, the old one kept to open what it sealed.
    const both = await resolveDataKeys(
      { configuredKey: `2:${b64(keyB)}`, previousKeys: `1:${b64(keyA)}`, dataDir },
      db,
      log,
    );
    expect(both).toEqual({ current: { version: 2, key: keyB }, older: [{ version: 1, key: keyA }] });
    const sealed = sealData({ current: { version: 1, key: keyA } }, "old", "owner");
    expect(openData(both, sealed, "owner")).toBe("old");
    // A wrong previous key is caught at start, not when a value fails to open.
    await expect(
      resolveDataKeys({ configuredKey: `2:${b64(keyB)}`, previousKeys: `1:${b64(keyC)}`, dataDir }, db, log),
    ).rejects.toThrow("the data encryption key (version 1) is not the one this database was set up with");
    // Without the previous key while version 1 is not retired: refused.
    await expect(resolveDataKeys({ configuredKey: `2:${b64(keyB)}`, dataDir }, db, log)).rejects.toThrow(
      "values sealed with key version 1 may exist and that key is not loaded: add it to DATA_ENCRYPTION_PREVIOUS_KEYS",
    );
    await expect(
      resolveDataKeys({ configuredKey: `2:${b64(keyB)}`, previousKeys: `2:${b64(keyA)}`, dataDir }, db, log),
    ).rejects.toThrow("DATA_ENCRYPTION_PREVIOUS_KEYS holds version 2, not older than DATA_ENCRYPTION_KEY's version 2");
    // A plain new key in place of the old one (no version): its fingerprint is refused.
    await expect(resolveDataKeys({ configuredKey: b64(keyB), dataDir }, db, log)).rejects.toThrow(
      /version 1\) is not the one this database was set up with.*DATA_ENCRYPTION_KEY=<version>:<base64>/,
    );
    await db.delete(schema.encryptionKeys);
  });
});

describe("generated key files", () => {
  it("generates version 1 once and says so; a running process picks up a newer file", async () => {
    const dataDir = tempDir();
    lines.length = 0;
    const keys = await resolveDataKeys({ dataDir }, testDb().db, log);
    expect(lines).toEqual([
      `data encryption key generated into ${path.join(dataDir, DATA_KEY_FILE_NAME)}: back it up (sealed data needs it)`,
    ]);
    expect(keys.current.version).toBe(1);
    const v1Sealed = sealData(keys, "before", "owner");

    // rotate-key --new-key in another process writes version 2.
    const v2 = await createDataKeyFile(dataDir, 2);
    expect(path.basename(v2.path)).toBe("data-encryption.v2.key");
    await expect(createDataKeyFile(dataDir, 2)).rejects.toThrow(/already exists/);
    const v2Sealed = sealData({ current: v2.key }, "after", "owner");
    // Opening a version-2 value loads the file at once; sealing switches to it.
    expect(openData(keys, v2Sealed, "owner")).toBe("after");
    expect(keys.current.version).toBe(2);
    expect(sealData(keys, "x", "owner")).toMatch(/^k2\./);
    expect(openData(keys, v1Sealed, "owner")).toBe("before");

    // Sealing looks for a newer file at most every KEY_FILE_RELOAD_MS.
    let now = 0;
    const sealer = keyFileKeyring(dataDir, readDataKeyFiles(dataDir), () => now);
    await createDataKeyFile(dataDir, 3);
    expect(sealData(sealer, "x", "owner")).toMatch(/^k2\./);
    now += KEY_FILE_RELOAD_MS;
    expect(sealData(sealer, "x", "owner")).toMatch(/^k3\./);
  });

  it("once version 1's file is deleted after its retirement, no new version 1 is generated in its place", async () => {
    const db = testDb().db;
    await db.delete(schema.encryptionKeys);
    const dataDir = tempDir();
    await resolveDataKeys({ dataDir }, db, log);
    await createDataKeyFile(dataDir, 2);
    await resolveDataKeys({ dataDir }, db, log);
    await db.update(schema.encryptionKeys).set({ retiredAt: new Date() });
    rmSync(path.join(dataDir, DATA_KEY_FILE_NAME));
    const keys = await resolveDataKeys({ dataDir }, db, log);
    expect(keys.current.version).toBe(2);
    expect(readDataKeyFiles(dataDir).map((k) => k.version)).toEqual([2]);
  });
});
