import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ManualClock, nightlyBackupJob } from "@crm/core";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { createBackupService } from "./backup-service";

const testDb = useTestDatabase();

describe("the nightly backup", () => {
  it("writes a backup with its checksum and prunes those past the retention, keeping other files", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crm-nightly-"));
    const old = "crm-20261101-024000.crmbackup.gz";
    const recent = "crm-20261201-024000.crmbackup.gz";
    for (const name of [old, `${old}.sha256`, recent, `${recent}.sha256`, "notes.txt"]) {
      writeFileSync(path.join(dir, name), "x");
    }
    const clock = new ManualClock(new Date("2026-12-07T02:40:00Z"));
    const logged: string[] = [];
    await nightlyBackupJob.handle(
      {
        db: testDb().db,
        clock,
        backups: createBackupService({ sql: testDb().sql, dir, retentionDays: 30 }),
        jobs: {} as never,
        log: (message) => logged.push(message),
      },
      {},
      { id: "job-1", retryCount: 0 },
    );
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      "crm-20261201-024000.crmbackup.gz",
      "crm-20261201-024000.crmbackup.gz.sha256",
      "crm-20261207-024000.crmbackup.gz",
      "crm-20261207-024000.crmbackup.gz.sha256",
      "notes.txt",
    ]);
    expect(logged[0]).toMatch(/^backup written: .*crm-20261207-024000\.crmbackup\.gz \(\d+ bytes\)$/);
    expect(existsSync(path.join(dir, old))).toBe(false);
  });

  it("keeps the newest backup however old it is", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "crm-nightly-"));
    const service = createBackupService({ sql: testDb().sql, dir, retentionDays: 1 });
    const first = await service.run(new Date("2026-01-01T00:00:00Z"));
    expect(first.pruned).toEqual([]);
    const second = await service.run(new Date("2026-06-01T00:00:00Z"));
    expect(second.pruned).toEqual(["crm-20260101-000000.crmbackup.gz"]);
    expect(readdirSync(dir).filter((name) => name.endsWith(".gz"))).toEqual(["crm-20260601-000000.crmbackup.gz"]);
  });
});
