import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createDb } from "./client";
import { MIGRATION_LOCK, migrationsFolder } from "./migrate";

/** A migration as the journal lists it (migrations/meta/_journal.json). */
export interface MigrationEntry {
  idx: number;
  tag: string;
  /** drizzle records this (folderMillis) in drizzle.__drizzle_migrations.created_at. */
  when: number;
}

export function readJournal(folder = migrationsFolder): MigrationEntry[] {
  const journal = JSON.parse(readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: MigrationEntry[];
  };
  return journal.entries.map(({ idx, tag, when }) => ({ idx, tag, when })).sort((a, b) => a.idx - b.idx);
}

/** The file that reverts a migration: migrations/down/<tag>.sql. */
export function downFile(tag: string, folder = migrationsFolder): string {
  return path.join(folder, "down", `${tag}.sql`);
}

/** A down file's statements, split where drizzle splits the up files. */
export function readDownStatements(tag: string, folder = migrationsFolder): string[] {
  const file = downFile(tag, folder);
  if (!existsSync(file)) throw new Error(`migration ${tag} has no down SQL (${file})`);
  return readFileSync(file, "utf8")
    .split("--> statement-breakpoint")
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

export interface RevertOptions {
  /** Revert every migration applied after this one (a tag, or its number such as "0012"); it stays. */
  to?: string;
  /** Revert every applied migration (an empty schema). */
  all?: boolean;
  folder?: string;
}

/**
 * Reverts applied migrations, newest first, in one transaction under the migrator's lock: either
 * every requested down runs and the journal of applied migrations forgets them, or nothing changes.
 * Without `to` or `all`, only the newest applied migration is reverted. Returns the reverted tags.
 */
export async function revertMigrations(url: string, options: RevertOptions = {}): Promise<string[]> {
  const folder = options.folder ?? migrationsFolder;
  const journal = readJournal(folder);
  const handle = createDb(url, { max: 1, applicationName: "crm-migrate" });
  try {
    await handle.sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      const [table] = await handle.sql<{ exists: boolean }[]>`
        select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
      if (!table?.exists) return [];
      const appliedRows = await handle.sql<{ created_at: string }[]>`
        select created_at::text from drizzle.__drizzle_migrations order by created_at`;
      const applied = appliedRows.map((row) => {
        const entry = journal.find((e) => String(e.when) === row.created_at);
        if (!entry) throw new Error(`the database has a migration (${row.created_at}) this code does not know`);
        return entry;
      });
      const targets = pickTargets(applied, journal, options);
      // Read every down file before touching anything: a missing one stops the whole revert.
      const plans = targets.map((entry) => ({ entry, statements: readDownStatements(entry.tag, folder) }));
      await handle.sql.begin(async (tx) => {
        for (const { entry, statements } of plans) {
          for (const statement of statements) await tx.unsafe(statement);
          await tx`delete from drizzle.__drizzle_migrations where created_at = ${entry.when}`;
        }
      });
      return plans.map((plan) => plan.entry.tag);
    } finally {
      await handle.sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await handle.close();
  }
}

function pickTargets(applied: MigrationEntry[], journal: MigrationEntry[], options: RevertOptions): MigrationEntry[] {
  const newestFirst = [...applied].reverse();
  if (options.all) return newestFirst;
  if (options.to === undefined) return newestFirst.slice(0, 1);
  const to = options.to;
  const target = journal.find((e) => e.tag === to || e.tag.split("_")[0] === to);
  if (!target) throw new Error(`no migration named "${to}" (known: ${journal.map((e) => e.tag).join(", ")})`);
  if (!applied.some((e) => e.idx === target.idx)) throw new Error(`migration ${target.tag} is not applied`);
  return newestFirst.filter((e) => e.idx > target.idx);
}
