import { createHash } from "node:crypto";

/**
 * A CRM backup is one gzip file. Inside, line by line:
 *   CRM-BACKUP 1                      the magic line and the format version
 *   {header JSON}                     BackupHeader: when, the migration level, every table's columns
 *   TABLE <schema>.<table>            then that table's rows in COPY text format, ended by "\."
 *   …
 *   END {trailer JSON}                BackupTrailer: each table's row count and content digest
 * COPY's text format escapes newlines inside values, so every row is exactly one line. Beside the
 * file, `<file>.sha256` holds its SHA-256 in sha256sum's format.
 */
export const BACKUP_MAGIC = "CRM-BACKUP 1";
export const BACKUP_SUFFIX = ".crmbackup.gz";

export interface BackupTable {
  schema: string;
  name: string;
  /** The columns copied, in order (generated columns are left out: PostgreSQL computes them). */
  columns: string[];
}

export interface BackupHeader {
  format: 1;
  createdAt: string;
  postgresVersion: string;
  /** The migrations applied to the database, oldest first: restore rebuilds exactly this schema. */
  migrations: { tag: string; when: number }[];
  /** pg-boss's schema version, when its tables were in the database. */
  jobSchemaVersion: number | null;
  tables: BackupTable[];
}

export interface TableDigest {
  rows: number;
  /** Order-independent digest of the rows as COPY writes them (see RowDigest). */
  digest: string;
}

export interface BackupTrailer {
  tables: Record<string, TableDigest>;
}

export function qualified(table: Pick<BackupTable, "schema" | "name">): string {
  return `${table.schema}.${table.name}`;
}

/**
 * A digest of a set of rows that does not depend on their order (a restored table reads back in
 * another physical order): the sum, modulo 2^64, of the first 8 bytes of each row's SHA-256.
 */
export class RowDigest {
  #sum = 0n;
  rows = 0;
  add(line: string): void {
    this.#sum = (this.#sum + createHash("sha256").update(line).digest().readBigUInt64BE(0)) & 0xffffffffffffffffn;
    this.rows++;
  }
  toJSON(): TableDigest {
    return { rows: this.rows, digest: this.#sum.toString(16).padStart(16, "0") };
  }
}
