export * from "./backup";
export { createDb, type Database, type DbHandle, type DbOrTx, type Tx } from "./client";
export { type EmbeddedDatabase, EmbeddedDatabaseError, freePort, startEmbeddedDatabase } from "./embedded";
export { migrationsFolder, runMigrations } from "./migrate";
export { type MigrationEntry, type RevertOptions, readJournal, revertMigrations } from "./migrate-down";
export * as schema from "./schema";
