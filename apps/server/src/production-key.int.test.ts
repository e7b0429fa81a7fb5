import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";

const testDb = useTestDatabase();
const serverDir = fileURLToPath(new URL("..", import.meta.url));

/** The server as an operator starts it in production; resolves when it answers /health or exits. */
async function startProduction(extraEnv: Record<string, string>) {
  const port = await freePort();
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "crm-prod-")), "data");
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: testDb().url,
      CRM_DATA_DIR: dataDir,
      WORKERS: "off",
      LOG_LEVEL: "warn",
      WEB_DIST_DIR: mkdtempSync(path.join(tmpdir(), "crm-no-web-")),
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return { code: await exited, stderr, dataDir, up: false };
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) {
      child.kill("SIGTERM");
      await exited;
      return { code: null, stderr, dataDir, up: true };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`server neither started nor exited: ${stderr}`);
}

describe("production start and the data encryption key", { timeout: 120_000 }, () => {
  it("refuses to start without DATA_ENCRYPTION_KEY, naming it, and generates no key file", async () => {
    const run = await startProduction({});
    expect(run.up).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^crm: DATA_ENCRYPTION_KEY is not set, and NODE_ENV=production requires it: /m);
    expect(existsSync(run.dataDir)).toBe(false);
  });

  it("starts with the key; without it afterwards, refuses because sealed data now needs it", async () => {
    const key = Buffer.from(new Uint8Array(32).fill(7)).toString("base64");
    const started = await startProduction({ DATA_ENCRYPTION_KEY: key });
    expect(started.up, started.stderr).toBe(true);
    const again = await startProduction({});
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("this database holds sealed values");
  });
});
