import { login, resetPassword, systemClock } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { runCrm } from "./run-crm.test-util";

const testDb = useTestDatabase();

function crm(...args: string[]) {
  return runCrm(args, { DATABASE_URL: testDb().url, APP_URL: "https://crm.example.com" });
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
