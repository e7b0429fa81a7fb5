import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { allJobs, sendReminderJob, systemClock } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { createDb } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { startJobRuntime } from "@crm/integrations";
import { afterAll, describe, expect, inject, it } from "vitest";
import { runCrm } from "./run-crm.test-util";

const testDb = useTestDatabase();
const dataDir = mkdtempSync(path.join(tmpdir(), "crm-backup-data-"));
const backupDir = mkdtempSync(path.join(tmpdir(), "crm-backups-"));
const created: string[] = [];

function crm(env: Record<string, string>, ...args: string[]) {
  return runCrm(args, { CRM_DATA_DIR: dataDir, LOG_LEVEL: "warn", ...env });
}

/** An empty database on the test cluster (no schema at all), dropped after the file. */
async function emptyDatabase(): Promise<string> {
  const { adminUrl } = inject("testCluster");
  const name = `crm_restore_${randomBytes(5).toString("hex")}`;
  const admin = createDb(adminUrl, { max: 1 });
  await admin.sql.unsafe(`create database ${name} template template0`);
  await admin.close();
  created.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(async () => {
  const admin = createDb(inject("testCluster").adminUrl, { max: 1 });
  for (const name of created) await admin.sql.unsafe(`drop database if exists ${name} with (force)`);
  await admin.close();
});

/** Every table's row count and a checksum of its rows (in a fixed order), in the app's and the queue's schemas. */
async function fingerprint(url: string): Promise<Record<string, string>> {
  const { sql, close } = createDb(url, { max: 1 });
  try {
    const tables = await sql<{ name: string }[]>`
      select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind = 'r' and (n.nspname = 'public' or (n.nspname = 'pgboss' and c.relname in ('queue', 'schedule', 'job_common')))
       order by 1`;
    const result: Record<string, string> = {};
    for (const { name } of tables) {
      const [row] = await sql.unsafe<{ n: number; sum: string | null }[]>(
        `select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as sum from ${name} t`,
      );
      result[name] = `${row?.n}:${row?.sum ?? "-"}`;
    }
    return result;
  } finally {
    await close();
  }
}

describe("crm backup and crm restore", { timeout: 180_000 }, () => {
  it("restores a populated database whose every table matches the source, row for row", async () => {
    const source = testDb().url;
    const seeded = await crm({ DATABASE_URL: source }, "seed", "--users", "3", "--clients-per-user", "40");
    expect(seeded.code, seeded.stderr).toBe(0);
    // A reminder waiting in the job queue: restoring without it would silently never send it.
    const user = await createTestUser({ db: testDb().db, clock: systemClock });
    const runtime = await startJobRuntime({
      connectionString: source,
      definitions: allJobs,
      work: false,
      context: () => ({ db: testDb().db, clock: systemClock }),
      log: { info: () => {}, error: () => {} },
    });
    try {
      await runtime.queue.send(
        testDb().db,
        sendReminderJob,
        { userId: user.id, emailId: crypto.randomUUID() } as never,
        {
          startAfter: new Date(Date.now() + 86_400_000),
        },
      );
    } finally {
      await runtime.stop();
    }

    const backup = await crm({ DATABASE_URL: source }, "backup", "--out", backupDir);
    expect(backup.code, backup.stderr).toBe(0);
    const file = /Backup written: (\S+)/.exec(backup.stdout)?.[1];
    expect(file).toMatch(/crm-\d{8}-\d{6}\.crmbackup\.gz$/);
    expect(readFileSync(`${file}.sha256`, "utf8")).toMatch(/^[0-9a-f]{64} {2}crm-\d{8}-\d{6}\.crmbackup\.gz\n$/);

    const target = await emptyDatabase();
    const restored = await crm({}, "restore", file!, "--into", target);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain("every table matches it");

    const before = await fingerprint(source);
    const after = await fingerprint(target);
    expect(Object.keys(before).length).toBeGreaterThan(15);
    expect(after).toEqual(before);
    expect(Number(before["public.clients"]?.split(":")[0])).toBeGreaterThanOrEqual(120);
    expect(before["pgboss.job_common"]).not.toMatch(/^0:/);

    // The restored database works: ids continue after the restored ones.
    const { sql, close } = createDb(target, { max: 1 });
    const [next] = await sql<{ id: string }[]>`
      insert into activity_logs (user_id, entity_type, entity_id, action) values (${user.id}, 'client', ${user.id}, 'test') returning id::text`;
    const [max] = await sql<{ id: string }[]>`select max(id)::text as id from activity_logs where action <> 'test'`;
    await close();
    expect(BigInt(next!.id)).toBeGreaterThan(BigInt(max?.id ?? "0"));

    // Not over data, unless told; and never from a damaged file.
    const again = await crm({}, "restore", file!, "--into", target);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("the target database is not empty");
    const forced = await crm({}, "restore", file!, "--into", target, "--force");
    expect(forced.code, forced.stderr).toBe(0);
    expect(await fingerprint(target)).toEqual(before);

    const damaged = path.join(backupDir, "damaged.crmbackup.gz");
    const bytes = readFileSync(file!);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0xff, bytes.length - 20);
    writeFileSync(damaged, bytes);
    writeFileSync(
      `${damaged}.sha256`,
      readFileSync(`${file}.sha256`, "utf8").replace(path.basename(file!), "damaged.crmbackup.gz"),
    );
    const refused = await crm({}, "restore", damaged, "--into", await emptyDatabase());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("does not match its checksum");
  });
});
