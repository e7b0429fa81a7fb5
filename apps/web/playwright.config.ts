import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";
import {
  E2E_RESEND_WEBHOOK_SECRET,
  FAKE_RESEND_API_KEY,
  FAKE_RESEND_CONTROL_PORT,
  FAKE_RESEND_PORT,
} from "./e2e/fixtures/resend";

const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// The fake Google (Calendar + OAuth consent page) and its control API, for the Google sync spec.
const fakeGooglePort = port + 1;
const fakeGoogleControl = `http://127.0.0.1:${port + 2}`;
const fakeGoogle = `http://127.0.0.1:${fakeGooglePort}`;

if (!existsSync(path.join(here, "dist", "index.html"))) {
  throw new Error("apps/web/dist is missing: run `pnpm --filter @crm/web build` before the e2e tests.");
}

// One fresh data directory (embedded PostgreSQL) per run. The config is loaded again in each worker
// process; they inherit this variable, so only the first load creates a directory.
process.env.CRM_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "crm-e2e-"));

const serverEnv: Record<string, string> = {
  PORT: String(port),
  HOST: "127.0.0.1",
  APP_URL: baseURL,
  CRM_DATA_DIR: process.env.CRM_E2E_DATA_DIR,
  WORKERS: process.env.E2E_WORKERS ?? "on",
  CRM_DEMO_DATA: "off",
  LOG_LEVEL: "warn",
  GOOGLE_CLIENT_ID: "fake-client-id.apps.googleusercontent.com",
  GOOGLE_CLIENT_SECRET: "fake-client-secret",
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 42).toString("base64"),
  GOOGLE_AUTH_URL: `${fakeGoogle}/o/oauth2/v2/auth`,
  GOOGLE_TOKEN_URL: `${fakeGoogle}/token`,
  GOOGLE_REVOKE_URL: `${fakeGoogle}/revoke`,
  GOOGLE_API_URL: `${fakeGoogle}/`,
  // Email goes through the fake Resend (a real HTTP server, driven by the real SDK), so specs can read
  // what was sent (e.g. a password reset link) from its control API.
  RESEND_API_KEY: FAKE_RESEND_API_KEY,
  RESEND_BASE_URL: `http://127.0.0.1:${FAKE_RESEND_PORT}`,
  // Signs the Resend webhooks the emails spec posts (bounces), as Resend would.
  RESEND_WEBHOOK_SECRET: E2E_RESEND_WEBHOOK_SECRET,
  // The specs sign up and sign in many times from one address and one browser: far above any run's
  // use, so no spec trips a limit (the limits have their own tests in apps/server).
  RATE_LIMIT_PER_HOUR: "1000000",
  AUTH_RATE_LIMIT_PER_MINUTE: "100000",
};
if (process.env.DATABASE_URL) serverEnv.DATABASE_URL = process.env.DATABASE_URL;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: "list",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Never download browsers: use Debian's Chromium.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium", viewport: { width: 1280, height: 800 } } }],
  webServer: [
    {
      command: "node --import tsx ../../packages/testing/src/fake-google-cli.ts",
      cwd: here,
      url: `${fakeGoogleControl}/health`,
      env: { FAKE_GOOGLE_PORT: String(fakeGooglePort), FAKE_GOOGLE_CONTROL_PORT: String(port + 2) },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "node --import tsx ../../packages/testing/src/fake-resend-cli.ts",
      cwd: here,
      url: `http://127.0.0.1:${FAKE_RESEND_CONTROL_PORT}/health`,
      env: {
        FAKE_RESEND_PORT: String(FAKE_RESEND_PORT),
        FAKE_RESEND_CONTROL_PORT: String(FAKE_RESEND_CONTROL_PORT),
        FAKE_RESEND_API_KEY,
      },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "node --import tsx ../server/src/server.ts",
      cwd: here,
      url: `${baseURL}/health`,
      env: serverEnv,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
