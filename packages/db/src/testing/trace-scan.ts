import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";

export interface TraceHit {
  table: string;
  needle: string;
  /** The row as text (cut to 300 characters), to say what was left behind. */
  row: string;
}

const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast"];

/**
 * Scans every row of every table in every non-system schema (the app's and pg-boss's alike), each
 * row cast to text, for any of the needles (case-insensitively): what "no trace left" means in the
 * privacy tests. Slow on purpose (a full scan of everything): for tests only.
 */
export async function findTraces(db: DbOrTx, needles: string[]): Promise<TraceHit[]> {
  const wanted = needles.filter((n) => n.length > 0).map((n) => n.toLowerCase());
  const tables = (await db.execute(sql`
    select n.nspname as schema, c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p')
       and not c.relispartition
       and n.nspname not in (${sql.join(
         SYSTEM_SCHEMAS.map((s) => sql`${s}`),
         sql`, `,
       )})
       and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'
     order by 1, 2`)) as unknown as { schema: string; name: string }[];
  const hits: TraceHit[] = [];
  for (const table of tables) {
    const qualified = sql.raw(`"${table.schema.replaceAll('"', '""')}"."${table.name.replaceAll('"', '""')}"`);
    for (const needle of wanted) {
      const rows = (await db.execute(
        sql`select left(t::text, 300) as row from ${qualified} t where strpos(lower(t::text), ${needle}) > 0 limit 5`,
      )) as unknown as { row: string }[];
      for (const r of rows) hits.push({ table: `${table.schema}.${table.name}`, needle, row: r.row });
    }
  }
  return hits;
}
