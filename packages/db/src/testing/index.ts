// Test-only: the per-run cluster and a database per test file. Production code never imports this entry.
export { createTestDatabase, setupTestCluster, type TestCluster, type TestDatabase } from "./cluster";
export { schemaSnapshot } from "./schema-snapshot";
export { findTraces, type TraceHit } from "./trace-scan";
export { useRacePool, useTestDatabase } from "./use-test-database";
