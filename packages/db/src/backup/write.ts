import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { createGzip } from "node:zlib";
import type postgres from "postgres";
import { readJournal } from "../migrate-down";
import { backupTables } from "./catalog";
import { BACKUP_MAGIC, BACKUP_SUFFIX, type BackupHeader, type BackupTrailer, qualified, RowDigest } from "./format";

export interface BackupResult {
  file: string;
  sha256: string;
  bytes: number;
  header: BackupHeader;
  trailer: BackupTrailer;
}

/** `crm-20261207-031700.crmbackup.gz`: sorts by time, and says what it is. */
export function backupFileName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `crm-${stamp}${BACKUP_SUFFIX}`;
}

/**
 * Writes a consistent backup of the database into `dir`: every table read in one REPEATABLE READ
 * snapshot (what a single moment held, while the app keeps writing), streamed through gzip to a
 * temporary file that is renamed into place only when complete, with its SHA-256 beside it.
 * Memory stays flat whatever the size: rows pass through in COPY's chunks.
 */
export async function writeBackup(
  sql: postgres.Sql,
  dir: string,
  at = new Date(),
  options: { pagesPerBatch?: number } = {},
): Promise<BackupResult> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, backupFileName(at));
  const partial = `${file}.partial`;
  const hash = createHash("sha256");
  const hashTap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const { header, trailer } = await sql.begin("isolation level repeatable read read only", async (tx) => {
      const header = await readHeader(tx, at);
      const trailer: BackupTrailer = { tables: {} };
      // One pipeline from the snapshot to the file: its backpressure paces the reads from the database.
      await pipeline(
        backupContent(tx, header, trailer, options.pagesPerBatch ?? PAGES_PER_BATCH),
        createGzip({ level: 6 }),
        hashTap,
        createWriteStream(partial, { mode: 0o600 }),
      );
      return { header, trailer };
    });
    const sha256 = hash.digest("hex");
    await rename(partial, file);
    await writeFile(`${file}.sha256`, `${sha256}  ${path.basename(file)}\n`);
    return { file, sha256, bytes: (await stat(file)).size, header, trailer };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Pages of a table read per COPY: 2,000 pages of 8 kB, at most 16 MB held at once. */
const PAGES_PER_BATCH = 2000;

/**
 * The backup's text, in order (see format.ts); fills the trailer's digests as the rows pass. A table
 * is read in ranges of its pages (a TID range scan each), every range read to its end before any of it
 * is written: a COPY left half-read while the disk catches up stalled the driver's stream, so no COPY
 * ever waits on the file. Rows visible to the snapshot are all on pages that existed when it began.
 */
async function* backupContent(
  tx: postgres.TransactionSql,
  header: BackupHeader,
  trailer: BackupTrailer,
  pagesPerBatch: number,
): AsyncGenerator<string | Buffer> {
  yield `${BACKUP_MAGIC}\n${JSON.stringify(header)}\n`;
  for (const table of header.tables) {
    yield `TABLE ${qualified(table)}\n`;
    const name = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
    const columns = table.columns.map(quoteIdent).join(", ");
    const [size] = await tx<{ pages: number }[]>`
      select (pg_relation_size(${name}::regclass) / current_setting('block_size')::int)::int as pages`;
    const digest = new RowDigest();
    const decoder = new StringDecoder("utf8");
    let pending = "";
    for (let first = 0; first <= (size?.pages ?? 0); first += pagesPerBatch) {
      const range = `ctid >= '(${first},0)'::tid and ctid < '(${first + pagesPerBatch},0)'::tid`;
      const rows = await tx.unsafe(`copy (select ${columns} from ${name} where ${range}) to stdout`).readable();
      const chunks: Buffer[] = [];
      for await (const chunk of rows as AsyncIterable<Buffer>) chunks.push(chunk);
      for (const chunk of chunks) {
        const lines = (pending + decoder.write(chunk)).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) digest.add(line);
        yield chunk;
      }
    }
    yield "\\.\n";
    trailer.tables[qualified(table)] = digest.toJSON();
  }
  yield `END ${JSON.stringify(trailer)}\n`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function readHeader(tx: postgres.TransactionSql, at: Date): Promise<BackupHeader> {
  const [server] = await tx<{ version: string }[]>`select current_setting('server_version') as version`;
  const [applied] = await tx<
    { exists: boolean }[]
  >`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
  const migrations = applied?.exists
    ? await tx<
        { when: string }[]
      >`select created_at::text as when from drizzle.__drizzle_migrations order by created_at`
    : [];
  const journal = readJournal();
  const [jobs] = await tx<{ exists: boolean }[]>`select to_regclass('pgboss.version') is not null as exists`;
  const jobVersion = jobs?.exists ? await tx<{ version: number }[]>`select version from pgboss.version limit 1` : [];
  return {
    format: 1,
    createdAt: at.toISOString(),
    postgresVersion: server?.version ?? "unknown",
    migrations: migrations.map((m) => ({
      tag: journal.find((entry) => String(entry.when) === m.when)?.tag ?? "(unknown to this code)",
      when: Number(m.when),
    })),
    jobSchemaVersion: jobVersion[0]?.version ?? null,
    tables: await backupTables(tx),
  };
}
