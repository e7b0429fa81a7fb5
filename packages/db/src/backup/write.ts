import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { createGzip, type Gzip } from "node:zlib";
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
export async function writeBackup(sql: postgres.Sql, dir: string, at = new Date()): Promise<BackupResult> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, backupFileName(at));
  const partial = `${file}.partial`;
  const gzip = createGzip({ level: 6 });
  const hash = createHash("sha256");
  gzip.on("data", (chunk: Buffer) => hash.update(chunk));
  const written = pipeline(gzip, createWriteStream(partial, { mode: 0o600 }));
  try {
    const { header, trailer } = await sql.begin("isolation level repeatable read read only", async (tx) => {
      const header = await readHeader(tx, at);
      await put(gzip, `${BACKUP_MAGIC}\n${JSON.stringify(header)}\n`);
      const trailer: BackupTrailer = { tables: {} };
      for (const table of header.tables) {
        await put(gzip, `TABLE ${qualified(table)}\n`);
        const digest = new RowDigest();
        const decoder = new StringDecoder("utf8");
        let pending = "";
        const rows = await tx`copy ${tx(table.schema)}.${tx(table.name)} (${tx(table.columns)}) to stdout`.readable();
        for await (const chunk of rows as AsyncIterable<Buffer>) {
          await put(gzip, chunk);
          const lines = (pending + decoder.write(chunk)).split("\n");
          pending = lines.pop() ?? "";
          for (const line of lines) digest.add(line);
        }
        await put(gzip, "\\.\n");
        trailer.tables[qualified(table)] = digest.toJSON();
      }
      await put(gzip, `END ${JSON.stringify(trailer)}\n`);
      return { header, trailer };
    });
    gzip.end();
    await written;
    const sha256 = hash.digest("hex");
    await rename(partial, file);
    await writeFile(`${file}.sha256`, `${sha256}  ${path.basename(file)}\n`);
    return { file, sha256, bytes: (await stat(file)).size, header, trailer };
  } catch (error) {
    gzip.destroy();
    await written.catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
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

/** Writes to gzip, waiting when it asks to (a slow disk never makes the backup buffer the database). */
async function put(gzip: Gzip, data: string | Buffer): Promise<void> {
  if (!gzip.write(data)) await once(gzip, "drain");
}
