import { afterAll, beforeAll, inject } from "vitest";
import { createDb, type DbHandle } from "../client";
import { createTestDatabase, type TestCluster, type TestDatabase } from "./cluster";

// The global setup provides the cluster (vitest.global-setup.ts); this declares its type.
declare module "vitest" {
  export interface ProvidedContext {
    testCluster: TestCluster;
  }
}

/**
 * Gives the calling test file its own database, cloned from the migrated template, for the whole
 * file. Use inside a test file at top level: `const testDb = useTestDatabase();` then `testDb().db`.
 */
export function useTestDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(inject("testCluster"));
  });
  afterAll(async () => {
    await database?.destroy();
  });
  return () => {
    if (!database) throw new Error("useTestDatabase(): the database exists only inside tests");
    return database;
  };
}

/**
 * A second pool on the test file's database, as wide as a server's, so racing writes really run
 * side by side (the file's own pool is small). Use at top level after useTestDatabase:
 * `const wide = useRacePool(testDb);` then `wide().db`.
 */
export function useRacePool(testDb: () => TestDatabase, max = 12): () => DbHandle {
  let pool: DbHandle | undefined;
  beforeAll(() => {
    pool = createDb(testDb().url, { max, applicationName: "crm-race" });
  });
  afterAll(async () => {
    await pool?.close();
  });
  return () => {
    if (!pool) throw new Error("useRacePool(): the pool exists only inside tests");
    return pool;
  };
}
