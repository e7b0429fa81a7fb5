import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, createNote, listNotes, resolveDataKeys, systemClock } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { rotateKeyCommand } from "./commands/rotate-key";
import { UsageError } from "./usage-error";

const testDb = useTestDatabase();
const b64 = (fill: number) => Buffer.from(new Uint8Array(32).fill(fill)).toString("base64");

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Runs the command in-process, capturing what it prints. */
async function rotateKey(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  const code = await rotateKeyCommand.run(args);
  vi.restoreAllMocks();
  return { code, out, err };
}

const noteVersions = async () =>
  (
    await testDb()
      .db.select({ v: schema.clientNotes.keyVersion, n: sql<number>`count(*)::int` })
      .from(schema.clientNotes)
      .groupBy(schema.clientNotes.keyVersion)
  ).map((r) => [r.v, r.n]);

describe("crm rotate-key", { timeout: 60_000 }, () => {
  it("with the generated key files: --new-key writes version 2, re-seals everything, retires version 1", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "crm-rotate-"));
    vi.stubEnv("DATABASE_URL", testDb().url);
    vi.stubEnv("CRM_DATA_DIR", dataDir);
    vi.stubEnv("DATA_ENCRYPTION_KEY", "");
    vi.stubEnv("DATA_ENCRYPTION_PREVIOUS_KEYS", "");
    vi.stubEnv("NODE_ENV", "development");
    const dataKeys = await resolveDataKeys({ dataDir }, testDb().db, () => {});
    const base = { db: testDb().db, clock: systemClock, dataKeys };
    const user = await createTestUser(base);
    const ctx = { ...base, userId: user.id };
    const client = await createClient(ctx, { firstName: "Rotating" });
    for (let i = 0; i < 5; i++) await createNote(ctx, { clientId: client.id, body: `Note ${i}` });
    await testDb()
      .db.insert(schema.clientNotes)
      .values({ userId: user.id, clientId: client.id, body: "Plain", keyVersion: null });

    const run = await rotateKey("--new-key", "--batch-size", "2", "--settle-seconds", "0");
    expect(run.err.filter((l) => !l.startsWith("  client_notes.body"))).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.out).toEqual([
      `New data encryption key version 2 written to ${path.join(dataDir, "data-encryption.v2.key")}: back it up.`,
      "Re-sealing sensitive values with key version 2…",
      "Re-sealed: client_notes.body 6.",
      `Key version 1 retired: nothing sealed with it remains; remove it from its key file in ${dataDir}.`,
      "Every sensitive value is sealed with key version 2.",
    ]);
    expect(run.err.at(-1)).toBe("  client_notes.body: 6 re-sealed");
    expect(await noteVersions()).toEqual([[2, 6]]);
    // The running process's keyring picked the new file up and reads every note.
    expect((await listNotes(ctx, { clientId: client.id })).map((n) => n.body).sort()).toEqual([
      "Note 0",
      "Note 1",
      "Note 2",
      "Note 3",
      "Note 4",
      "Plain",
    ]);

    // Again: nothing to do, nothing generated.
    const again = await rotateKey("--settle-seconds", "0");
    expect(again.code).toBe(0);
    expect(again.out).toEqual([
      "Re-sealing sensitive values with key version 2…",
      "Re-sealed: nothing to do.",
      "Every sensitive value is sealed with key version 2.",
    ]);
  });

  it("with DATA_ENCRYPTION_KEY: refuses --new-key, and re-seals to the configured version", async () => {
    await testDb().db.delete(schema.clientNotes);
    await testDb().db.delete(schema.encryptionKeys);
    vi.stubEnv("DATABASE_URL", testDb().url);
    vi.stubEnv("CRM_DATA_DIR", mkdtempSync(path.join(tmpdir(), "crm-rotate-")));
    vi.stubEnv("DATA_ENCRYPTION_KEY", b64(5));
    vi.stubEnv("DATA_ENCRYPTION_PREVIOUS_KEYS", "");
    const dataKeys = await resolveDataKeys({ configuredKey: b64(5), dataDir: "/nonexistent" }, testDb().db, () => {});
    const base = { db: testDb().db, clock: systemClock, dataKeys };
    const user = await createTestUser(base);
    const ctx = { ...base, userId: user.id };
    const client = await createClient(ctx, { firstName: "Env" });
    await createNote(ctx, { clientId: client.id, body: "Sealed with version 1" });

    await expect(rotateKeyCommand.run(["--new-key"])).rejects.toThrow(UsageError);
    vi.stubEnv("DATA_ENCRYPTION_KEY", `2:${b64(6)}`);
    vi.stubEnv("DATA_ENCRYPTION_PREVIOUS_KEYS", `1:${b64(5)}`);
    const run = await rotateKey();
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      "Key version 1 retired: nothing sealed with it remains; remove it from DATA_ENCRYPTION_PREVIOUS_KEYS.",
    );
    expect(await noteVersions()).toEqual([[2, 1]]);
    // Without the previous key from now on.
    vi.stubEnv("DATA_ENCRYPTION_PREVIOUS_KEYS", "");
    expect((await rotateKey()).code).toBe(0);
  });
});
