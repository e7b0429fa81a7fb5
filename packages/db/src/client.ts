import type { Logger } from "drizzle-orm/logger";
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
  /** Sees every query drizzle sends (benchmarks capture the SQL to replay it raw). */
  logger?: Logger;
}

/**
 * Drizzle sends its query-builder statements unprepared (a Parse/Describe round trip and a fresh
 * plan every time), which on small queries costs more than running them (docs/performance.md). This
 * view of the client asks postgres.js to prepare everything, inside transactions and savepoints too;
 * postgres.js keeps one prepared statement per distinct SQL text per connection, and our SQL texts
 * are few (values always travel as parameters).
 */
function preparingClient<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  const wrapScope =
    (method: "begin" | "savepoint") =>
    (...args: unknown[]) => {
      const work = args.pop() as (scope: postgres.TransactionSql) => unknown;
      const target = client as unknown as Record<string, (...a: unknown[]) => unknown>;
      return target[method]!(...args, (scope: postgres.TransactionSql) => work(preparingClient(scope)));
    };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, params?: unknown[], queryOptions?: object) =>
          target.unsafe(query, params as never[], { ...queryOptions, prepare: true });
      }
      if (property === "begin" || property === "savepoint") return wrapScope(property);
      return Reflect.get(target, property, receiver);
    },
  });
}

export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "crm" },
  });
  const db = drizzle(preparingClient(sql), { schema, ...(options.logger ? { logger: options.logger } : {}) });
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}
