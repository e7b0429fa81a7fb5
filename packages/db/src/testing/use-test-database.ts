import { afterAll, beforeAll, inject } from "vitest";
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
