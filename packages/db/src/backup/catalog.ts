import type postgres from "postgres";
import type { BackupTable } from "./format";

/**
 * pg-boss's tables worth keeping: its queues, schedules and jobs (waiting reminders among them).
 * Its version, instances, stats and warnings are rebuilt by installing its schema and running.
 */
const JOB_TABLES = new Set(["queue", "schedule", "subscription", "job_common", "job_dependency"]);

/**
 * The tables a backup holds, parents before children (foreign keys), each with its copyable
 * columns: every table of the app's schema, and pg-boss's state.
 */
export async function backupTables(sql: postgres.TransactionSql): Promise<BackupTable[]> {
  const rows = await sql<{ schema: string; name: string; columns: string[] }[]>`
    select n.nspname as schema, c.relname as name,
           array_agg(a.attname::text order by a.attnum) as columns
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     where c.relkind = 'r' and (n.nspname = 'public' or (n.nspname = 'pgboss' and c.relname = any(${[...JOB_TABLES]})))
     group by n.nspname, c.relname`;
  const edges = await sql<{ child: string; parent: string }[]>`
    select cn.nspname || '.' || c.relname as child, pn.nspname || '.' || p.relname as parent
      from pg_constraint k
      join pg_class c on c.oid = k.conrelid join pg_namespace cn on cn.oid = c.relnamespace
      join pg_class p on p.oid = k.confrelid join pg_namespace pn on pn.oid = p.relnamespace
     where k.contype = 'f' and k.conrelid <> k.confrelid`;
  return parentsFirst(rows, edges);
}

function parentsFirst(tables: BackupTable[], edges: { child: string; parent: string }[]): BackupTable[] {
  const byName = new Map(tables.map((t) => [`${t.schema}.${t.name}`, t]));
  const ordered: BackupTable[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string) => {
    if (state.get(name) === "done" || !byName.has(name)) return;
    if (state.get(name) === "visiting") throw new Error(`foreign keys form a cycle through ${name}`);
    state.set(name, "visiting");
    for (const edge of edges) if (edge.child === name) visit(edge.parent);
    state.set(name, "done");
    ordered.push(byName.get(name)!);
  };
  for (const name of [...byName.keys()].sort()) visit(name);
  return ordered;
}
