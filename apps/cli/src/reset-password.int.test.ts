import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { login, resetPassword, systemClock } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const testDb = useTestDatabase();

function crm(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "apps/cli/src/main.ts", ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: testDb().url, APP_URL: "https://crm.example.com" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("crm reset-password", { timeout: 60_000 }, () => {
  it("prints a link on APP_URL that resets the password once; an unknown address exits 1", async () => {
    const ctx = { db: testDb().db, clock: systemClock };
    const user = await createTestUser(ctx);

    const run = await crm("reset-password", "--user", user.email.toUpperCase());
    expect(run.code, run.stderr).toBe(0);
    const token = /https:\/\/crm\.example\.com\/reset-password\?token=([a-z2-7]{32})/.exec(run.stdout)?.[1];
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    await resetPassword(ctx, { token: token!, password: "set-by-the-operator" });
    expect(await login(ctx, { email: user.email, password: "set-by-the-operator" })).toMatchObject({
      user: { id: user.id },
    });
    await expect(resetPassword(ctx, { token: token!, password: "another-password" })).rejects.toMatchObject({
      code: "VALIDATION",
    });

    const unknown = await crm("reset-password", "--user", "nobody@example.com");
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain("no account signs in with nobody@example.com");
  });
});
