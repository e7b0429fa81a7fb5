import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Database = PostgresJsDatabase<Schema>;
/** A transaction handle; every core verb accepts either (they share the query API). */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type DbOrTx = Database | Tx;

export interface DbHandle {
  db: Database;
  /** The raw postgres.js client, for the few places that need it (LISTEN, COPY, benchmarks). */
  sql: postgres.Sql;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "crm" },
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}
