import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readJournal } from "@crm/db";
import { schemaSnapshot, useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const testDb = useTestDatabase();

function crm(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "apps/cli/src/main.ts", ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: testDb().url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("crm migrate down", { timeout: 90_000 }, () => {
  it("reverts to a named migration, then `crm migrate` brings the same schema back", async () => {
    const { sql } = testDb();
    const before = await schemaSnapshot(sql);
    const later = readJournal().filter((entry) => entry.idx > 12);

    const down = await crm("migrate", "down", "--to", "0012_accounts");
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(
      `Reverted: ${later
        .map((e) => e.tag)
        .reverse()
        .join(", ")}.`,
    );
    expect(await schemaSnapshot(sql)).not.toEqual(before);

    const up = await crm("migrate");
    expect(up.code, up.stderr).toBe(0);
    expect(await schemaSnapshot(sql)).toEqual(before);

    const bad = await crm("migrate", "down", "--to", "0012", "--all");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("give --to or --all, not both");
  });
});
