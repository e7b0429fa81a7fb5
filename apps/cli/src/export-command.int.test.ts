import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient, systemClock } from "@crm/core";
import { createTestUser, unzip } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { runCrm } from "./run-crm.test-util";

const testDb = useTestDatabase();

function crm(args: string[], dataDir: string) {
  return runCrm(args, { DATABASE_URL: testDb().url, CRM_DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: "" });
}

describe("crm export", () => {
  it("writes the account's zip to the file, with progress on stderr", async () => {
    const base = { db: testDb().db, clock: systemClock };
    const user = await createTestUser(base);
    await createClient({ ...base, userId: user.id }, { firstName: "Ana", email: "ana@example.com" });
    const dir = await mkdtemp(path.join(tmpdir(), "crm-export-"));
    const out = path.join(dir, "data.zip");

    const result = await crm(["export", "--user", user.email, "--out", out], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Wrote .*data\.zip \(\d+\.\d MB\)\.\n$/);
    expect(result.stderr).toContain(`Exporting ${user.email}: 100%`);
    const files = unzip(await readFile(out));
    const clients = JSON.parse(files.get("clients.json")!.toString("utf8")) as { email: string }[];
    expect(clients.map((c) => c.email)).toEqual(["ana@example.com"]);
    expect(JSON.parse(files.get("profile.json")!.toString("utf8")).email).toBe(user.email);
    expect((await readdir(dir)).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });

  it("exits 1 naming an unknown account, writing nothing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "crm-export-"));
    const result = await crm(["export", "--user", "nobody@example.com", "--out", path.join(dir, "x.zip")], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No user with the email nobody@example.com");
    expect((await readdir(dir)).filter((f) => f.endsWith(".zip") || f.endsWith(".partial"))).toEqual([]);
  });

  it("exits 2 with the usage when --out is missing", async () => {
    const result = await crm(["export", "--user", "a@b.co"], tmpdir());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("export needs --user EMAIL and --out FILE");
  });
});
