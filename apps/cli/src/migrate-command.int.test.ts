import { readJournal } from "@crm/db";
import { schemaSnapshot, useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { runCrm } from "./run-crm.test-util";

const testDb = useTestDatabase();

function crm(...args: string[]) {
  return runCrm(args, { DATABASE_URL: testDb().url });
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
