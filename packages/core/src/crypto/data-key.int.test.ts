import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { DataKeyError, dataKeyFingerprint, openData, parseDataKey, sealData } from "./data-key";
import { checkDataKeyFingerprint } from "./fingerprint";
import { loadOrCreateDataKeyFile } from "./key-file";

const testDb = useTestDatabase();
const keyA = new Uint8Array(32).fill(1);
const keyB = new Uint8Array(32).fill(2);

describe("data encryption key", () => {
  it("seals per owner: the value is not the plaintext, and opens only for its owner and key", () => {
    const sealed = sealData({ current: { version: 1, key: keyA } }, "JBSWY3DPEHPK3PXP", "owner-1");
    expect(sealed).toMatch(/^k1\./);
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(openData({ current: { version: 1, key: keyA } }, sealed, "owner-1")).toBe("JBSWY3DPEHPK3PXP");
    expect(() => openData({ current: { version: 1, key: keyA } }, sealed, "owner-2")).toThrow(DataKeyError);
    expect(() => openData({ current: { version: 1, key: keyB } }, sealed, "owner-1")).toThrow(DataKeyError);
    // After a rotation the old version still opens what it sealed.
    const rotated = { current: { version: 2, key: keyB }, older: [{ version: 1, key: keyA }] };
    expect(openData(rotated, sealed, "owner-1")).toBe("JBSWY3DPEHPK3PXP");
    expect(() => openData({ current: { version: 2, key: keyB } }, sealed, "owner-1")).toThrow(/version 1/);
  });

  it("parses a configured key, refusing the wrong length with a clear message", () => {
    expect(parseDataKey(Buffer.from(keyA).toString("base64"))).toEqual(keyA);
    expect(() => parseDataKey("c2hvcnQ=")).toThrow(/must be 32 bytes in base64, got 5/);
    expect(() => parseDataKey("not base64!")).toThrow(/must be base64/);
  });

  it("records the key's fingerprint once, accepts the same key and refuses another", async () => {
    const ctx = { db: testDb().db };
    expect(await checkDataKeyFingerprint(ctx, { version: 1, key: keyA })).toBe("recorded");
    expect(await checkDataKeyFingerprint(ctx, { version: 1, key: keyA })).toBe("matched");
    await expect(checkDataKeyFingerprint(ctx, { version: 1, key: keyB })).rejects.toThrow(
      /not the one this database was set up with/,
    );
    // The fingerprint identifies the key without being it.
    expect(dataKeyFingerprint(keyA)).not.toContain(Buffer.from(keyA).toString("hex"));
  });

  it("generates the key file once (owner-only) and reads the same key afterwards", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "crm-key-")), "data");
    const first = await loadOrCreateDataKeyFile(dir);
    expect(first.created).toBe(true);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateDataKeyFile(dir);
    expect(again).toMatchObject({ created: false, path: first.path });
    expect(again.key).toEqual(first.key);
  });
});
