import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { startEmbeddedDatabase } from "@crm/db";

/** A database for a benchmark run: BENCH_DATABASE_URL, or a throwaway embedded PostgreSQL. */
export async function benchDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  const embedded = await startEmbeddedDatabase({
    dataDir: path.join(mkdtempSync(path.join(tmpdir(), "crm-bench-")), "pg"),
    database: "crm_bench",
    ephemeral: true,
  });
  return { url: embedded.url, stop: embedded.stop };
}

/** Runs the project's CLI against the given database, as a user would. */
export function runCli(args: string[], databaseUrl: string): void {
  const result = spawnSync("pnpm", ["-s", "crm", ...args], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) throw new Error(`crm ${args.join(" ")} failed`);
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
}

/**
 * Closed-loop load: `concurrency` clients each send one request after another for `seconds`
 * over keep-alive connections. Latencies in milliseconds.
 */
export async function load(options: {
  port: number;
  concurrency: number;
  seconds: number;
  request: (i: number) => { path: string; headers?: Record<string, string> };
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const { path: urlPath, headers } = options.request(i);
      const started = performance.now();
      const req = http.request({ host: "127.0.0.1", port: options.port, path: urlPath, agent, headers }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) errors++;
          else latencies.push(performance.now() - started);
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) await one(counter++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
  return {
    requests: latencies.length,
    errors,
    seconds,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    rps: latencies.length / seconds,
  };
}

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "-";
}

/** `load` on a worker thread: the requests to send in turn are precomputed (functions can't cross). */
export function loadInWorker(job: {
  port: number;
  concurrency: number;
  seconds: number;
  requests: { path: string; headers?: Record<string, string> }[];
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./load-worker.ts", import.meta.url), {
      workerData: job,
      execArgv: ["--import", "tsx"],
    });
    worker.once("message", (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}
