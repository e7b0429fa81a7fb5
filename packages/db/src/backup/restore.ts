import { createHash } from "node:crypto";
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import { readMigrationFiles } from "drizzle-orm/migrator";
import postgres from "postgres";
import { migrationsFolder, runMigrations } from "../migrate";
import { readJournal } from "../migrate-down";
import { BACKUP_MAGIC, type BackupHeader, type BackupTable, type BackupTrailer, qualified, RowDigest } from "./format";

export class BackupError extends Error {
  override name = "BackupError";
}

export interface RestoreOptions {
  /** Replace what the target holds (its app and job schemas are dropped first). */
  force?: boolean;
  /** Installs pg-boss's schema (from @crm/integrations: this package knows no job queue). */
  installJobSchema?: (url: string) => Promise<void>;
  onProgress?: (line: string) => void;
}

export interface RestoreResult {
  header: BackupHeader;
  tables: Record<string, { rows: number }>;
  /** Migrations applied after the data went in, bringing the schema up to this code's level. */
  migratedAfter: number;
}

/** Checks the file against its `.sha256` (a copy cut short or damaged in transit never restores). */
export async function verifyBackupChecksum(file: string): Promise<string> {
  let expected: string;
  try {
    expected = (await readFile(`${file}.sha256`, "utf8")).trim().split(/\s+/)[0] ?? "";
  } catch {
    throw new BackupError(`${path.basename(file)}.sha256 is missing: keep it beside the backup`);
  }
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const actual = hash.digest("hex");
  if (actual !== expected) {
    throw new BackupError(`${path.basename(file)} does not match its checksum (damaged or incomplete copy)`);
  }
  return actual;
}

/**
 * Restores a backup into the database at `url`, which must be empty unless `force`: rebuilds the
 * schema at the backup's migration level, loads every table in one transaction (parents first),
 * sets the sequences past the restored ids, checks every table's row count and content digest
 * against the backup, and only then migrates up to this code's level. Any mismatch rolls back.
 */
export async function restoreBackup(url: string, file: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  await verifyBackupChecksum(file);
  const lines = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const { value, done } = await iterator.next();
    if (done) throw new BackupError("the backup ends early");
    return value as string;
  };
  if ((await next()) !== BACKUP_MAGIC) throw new BackupError(`${path.basename(file)} is not a CRM backup`);
  const header = JSON.parse(await next()) as BackupHeader;
  const known = new Map(readJournal().map((entry) => [entry.when, entry.tag]));
  const unknown = header.migrations.find((m) => !known.has(m.when));
  if (unknown) {
    throw new BackupError(
      `the backup is from a newer version (migration ${unknown.tag} is unknown here): restore it with that version`,
    );
  }

  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: "crm-restore" } });
  try {
    await prepareTarget(sql, options.force === true);
    await applyMigrationsUpTo(sql, header.migrations.at(-1)?.when ?? 0);
    if (header.jobSchemaVersion !== null) await options.installJobSchema?.(url);
    const loaded = await sql.begin(async (tx) => {
      const counts: Record<string, { rows: number }> = {};
      const digests: Record<string, RowDigest> = {};
      for (;;) {
        const line = await next();
        if (line.startsWith("END ")) {
          const trailer = JSON.parse(line.slice(4)) as BackupTrailer;
          compareDigests(trailer, digests, "in the file");
          break;
        }
        if (!line.startsWith("TABLE ")) throw new BackupError(`unexpected line in the backup: ${line.slice(0, 40)}`);
        const table = header.tables.find((t) => qualified(t) === line.slice(6));
        if (!table) throw new BackupError(`the backup holds ${line.slice(6)} but its header does not list it`);
        options.onProgress?.(`restoring ${qualified(table)}`);
        digests[qualified(table)] = await loadTable(tx, table, next);
        counts[qualified(table)] = { rows: digests[qualified(table)]!.rows };
      }
      await resetSequences(tx);
      // Read everything back as the database now holds it: the same rows, whatever their order.
      const reread: Record<string, RowDigest> = {};
      for (const table of header.tables) reread[qualified(table)] = await digestTable(tx, table);
      compareDigests(
        { tables: Object.fromEntries(Object.entries(digests).map(([k, d]) => [k, d.toJSON()])) },
        reread,
        "after loading",
      );
      return counts;
    });
    await sql.end({ timeout: 5 });
    const before = header.migrations.length;
    await runMigrations(url);
    return { header, tables: loaded, migratedAfter: readJournal().length - before };
  } finally {
    lines.close();
    await sql.end({ timeout: 5 }).catch(() => {});
  }
}

async function prepareTarget(sql: postgres.Sql, force: boolean): Promise<void> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p') and n.nspname in ('public', 'pgboss', 'drizzle')`;
  if ((row?.n ?? 0) === 0) return;
  if (!force) {
    throw new BackupError(
      `the target database is not empty (${row?.n} tables): restore into an empty database, or pass --force to replace what it holds`,
    );
  }
  await sql.unsafe(
    "drop schema if exists pgboss cascade; drop schema if exists drizzle cascade; drop schema if exists public cascade; create schema public;",
  );
}

/** The schema exactly as the backup's database had it: the migrations up to its newest, as drizzle records them. */
async function applyMigrationsUpTo(sql: postgres.Sql, newestWhen: number): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder }).filter((m) => m.folderMillis <= newestWhen);
  await sql.begin(async (tx) => {
    await tx`create schema if not exists drizzle`;
    await tx`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`;
    for (const migration of migrations) {
      for (const statement of migration.sql) if (statement.trim()) await tx.unsafe(statement);
      await tx`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`;
    }
  });
}

async function loadTable(
  tx: postgres.TransactionSql,
  table: BackupTable,
  next: () => Promise<string>,
): Promise<RowDigest> {
  const digest = new RowDigest();
  const sink = await tx`copy ${tx(table.schema)}.${tx(table.name)} (${tx(table.columns)}) from stdin`.writable();
  const finished = once(sink, "finish");
  for (;;) {
    const line = await next();
    if (line === "\\.") break;
    digest.add(line);
    if (!sink.write(`${line}\n`)) await once(sink, "drain");
  }
  sink.end();
  await finished;
  return digest;
}

async function digestTable(tx: postgres.TransactionSql, table: BackupTable): Promise<RowDigest> {
  const digest = new RowDigest();
  const decoder = new StringDecoder("utf8");
  let pending = "";
  const rows = await tx`copy ${tx(table.schema)}.${tx(table.name)} (${tx(table.columns)}) to stdout`.readable();
  for await (const chunk of rows as AsyncIterable<Buffer>) {
    const lines = (pending + decoder.write(chunk)).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) digest.add(line);
  }
  return digest;
}

/** Sequences (bigserial ids, identity columns) continue after the highest restored value. */
async function resetSequences(tx: postgres.TransactionSql): Promise<void> {
  const owned = await tx<{ seq: string; tbl: string; col: string }[]>`
    select s.oid::regclass::text as seq, t.oid::regclass::text as tbl, a.attname as col
      from pg_class s
      join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')
      join pg_class t on t.oid = d.refobjid
      join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
      join pg_namespace n on n.oid = t.relnamespace
     where s.relkind = 'S' and n.nspname in ('public', 'pgboss')`;
  for (const { seq, tbl, col } of owned) {
    await tx.unsafe(
      `select setval('${seq.replace(/'/g, "''")}', coalesce((select max(${quoteIdent(col)}) from ${tbl}), 1), (select max(${quoteIdent(col)}) from ${tbl}) is not null)`,
    );
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function compareDigests(expected: BackupTrailer, actual: Record<string, RowDigest>, where: string): void {
  for (const [table, want] of Object.entries(expected.tables)) {
    const got = actual[table]?.toJSON();
    if (!got || got.rows !== want.rows || got.digest !== want.digest) {
      throw new BackupError(
        `${table} does not match the backup ${where}: ${got?.rows ?? 0} rows read, ${want.rows} expected`,
      );
    }
  }
}
