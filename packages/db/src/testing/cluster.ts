import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { createDb, type DbHandle } from "../client";
import { startEmbeddedDatabase } from "../embedded";
import { runMigrations } from "../migrate";

/** What the global setup hands to every test file (through vitest's provide/inject). */
export interface TestCluster {
  /** A URL on the cluster's maintenance database, used to create and drop test databases. */
  adminUrl: string;
  /** A migrated database that each test database is cloned from. */
  template: string;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Starts (or connects to) a cluster and builds the migrated template. With TEST_DATABASE_URL
 * set, that server is used; otherwise an embedded PostgreSQL in a temporary directory.
 */
export async function setupTestCluster(
  testDatabaseUrl: string | undefined,
  options: { prepareTemplate?: (templateUrl: string) => Promise<void> } = {},
): Promise<{ cluster: TestCluster; teardown: () => Promise<void> }> {
  let adminUrl: string;
  let stopServer = async () => {};
  if (testDatabaseUrl) {
    adminUrl = testDatabaseUrl;
  } else {
    const embedded = await startEmbeddedDatabase({
      dataDir: path.join(mkdtempSync(path.join(tmpdir(), "crm-test-")), "pg"),
      database: "postgres",
      ephemeral: true,
    });
    adminUrl = embedded.url;
    stopServer = embedded.stop;
  }
  const template = `crm_tpl_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${template}`);
  await runMigrations(withDatabase(adminUrl, template));
  await options.prepareTemplate?.(withDatabase(adminUrl, template));
  return {
    cluster: { adminUrl, template },
    teardown: async () => {
      await admin.unsafe(`drop database if exists ${template} with (force)`).catch(() => {});
      await admin.end({ timeout: 5 });
      await stopServer();
    },
  };
}

export interface TestDatabase extends DbHandle {
  url: string;
  /** Drops the database; call in afterAll. */
  destroy(): Promise<void>;
}

/** A fresh database for one test file, cloned from the migrated template (fast: a file copy). */
export async function createTestDatabase(cluster: TestCluster): Promise<TestDatabase> {
  const name = `crm_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${cluster.template}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabase(cluster.adminUrl, name);
  const handle = createDb(url, { max: 5, applicationName: "crm-test" });
  return {
    ...handle,
    url,
    destroy: async () => {
      await handle.close();
      const cleanup = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end({ timeout: 5 });
    },
  };
}
