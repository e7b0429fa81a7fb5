import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createDb } from "./client";

/** Held while migrations run (up or down), so two processes never migrate at once. */
export const MIGRATION_LOCK = 727274;

export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/**
 * Applies every pending migration in one transaction. Two processes starting together are
 * serialised by an advisory lock, so the second one finds nothing left to do.
 */
export async function runMigrations(url: string): Promise<void> {
  const handle = createDb(url, { max: 1, applicationName: "crm-migrate" });
  try {
    await handle.sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(handle.db, { migrationsFolder });
    await handle.sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await handle.close();
  }
}
