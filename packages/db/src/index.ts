export { createDb, type Database, type DbHandle, type DbOrTx, type Tx } from "./client";
export { type EmbeddedDatabase, EmbeddedDatabaseError, freePort, startEmbeddedDatabase } from "./embedded";
export { migrationsFolder, runMigrations } from "./migrate";
export * as schema from "./schema";
