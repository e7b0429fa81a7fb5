import { setupTestCluster } from "@crm/db/testing"; // also declares the provided `testCluster`
import { installJobSchema } from "@crm/integrations";
import type { TestProject } from "vitest/node";

/** One PostgreSQL per test run; each test file clones its own database from a migrated template. */
export default async function setup(project: TestProject) {
  const { cluster, teardown } = await setupTestCluster(process.env.TEST_DATABASE_URL || undefined, {
    // pg-boss keeps its own schema; every test database is cloned with it in place.
    prepareTemplate: installJobSchema,
  });
  project.provide("testCluster", cluster);
  return teardown;
}
