import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { createClient, type ExistingDuplicate, systemClock } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { and, asc, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { askDuplicateDecisions } from "./import-command";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const testDb = useTestDatabase();

/** Runs `crm …` as its own process, as a user would, with `stdin` piped in. */
function crm(args: string[], stdin = ""): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, "node_modules/.bin/tsx"), ["apps/cli/src/main.ts", ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: testDb().url },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
    child.stdin.end(stdin);
  });
}

async function fixture() {
  const base = { db: testDb().db, clock: systemClock };
  const user = await createTestUser(base);
  const ctx = { ...base, userId: user.id };
  const ana = await createClient(ctx, { firstName: "Ana", email: "ana@example.com", company: "Old Co" });
  const ben = await createClient(ctx, { firstName: "Ben", email: "ben@example.com", company: "Old Co" });
  const dir = await mkdtemp(path.join(tmpdir(), "crm-import-"));
  const file = path.join(dir, "contacts.csv");
  await writeFile(
    file,
    [
      "First Name,Email,Company",
      "Ana,ANA@example.com,New Co", // line 2: an existing client (other case)
      "Cleo,cleo@example.com,New Co",
      "Ben,ben@example.com,New Co", // line 4: an existing client
      "Dan,not-an-email,New Co", // line 5: invalid
    ].join("\n"),
  );
  const companies = async () =>
    Object.fromEntries(
      (
        await testDb()
          .db.select({ email: schema.clients.email, company: schema.clients.company })
          .from(schema.clients)
          .where(and(eq(schema.clients.userId, user.id), isNull(schema.clients.deletedAt)))
          .orderBy(asc(schema.clients.email))
      ).map((row) => [row.email, row.company]),
    );
  const lastImport = async () => {
    const [row] = await testDb()
      .db.select({ status: schema.imports.status, decisions: schema.imports.decisions })
      .from(schema.imports)
      .where(eq(schema.imports.userId, user.id));
    return row;
  };
  return { user, ana, ben, dir, file, companies, lastImport };
}

describe("crm import", { timeout: 60_000 }, () => {
  it("skips existing emails by default, shows progress and the rows it did not import", async () => {
    const { user, file, dir, companies } = await fixture();
    const failedRows = path.join(dir, "failed.csv");
    const run = await crm(["import", file, "--user", user.email, "--failed-rows", failedRows]);
    expect(run.output).toContain("Importing 4 of 4");
    expect(run.output).toContain("completed: 1 created, 0 updated, 2 skipped, 1 failed.");
    expect(run.output).toMatch(/line 5: .*email/i);
    expect(run.code).toBe(0);
    expect(await companies()).toEqual({
      "ana@example.com": "Old Co",
      "ben@example.com": "Old Co",
      "cleo@example.com": "New Co",
    });
    const written = await readFile(failedRows, "utf8");
    expect(written.split(/\r?\n/)[0]).toContain("Problem");
    expect(written).toContain("not-an-email");
  });

  it("--duplicates ask: asks for each existing email on stdin and applies each answer", async () => {
    const { user, file, companies, lastImport } = await fixture();
    // An answer it does not know is asked again; then update Ana, skip Ben.
    const run = await crm(["import", file, "--user", user.email, "--duplicates", "ask"], "x\nu\ns\n");
    expect(run.output).toContain("Line 2: ANA@example.com is already Ana.");
    expect(run.output).toContain("Type one of: s, u, S, U");
    expect(run.output).toContain("Line 4: ben@example.com is already Ben.");
    expect(run.output).toContain("completed: 1 created, 1 updated, 1 skipped, 1 failed.");
    expect(run.code).toBe(0);
    expect(await companies()).toEqual({
      "ana@example.com": "New Co",
      "ben@example.com": "Old Co",
      "cleo@example.com": "New Co",
    });
    expect((await lastImport())?.decisions).toEqual({ "2": "update", "4": "skip" });
  });

  it("--duplicates ask: U updates this one and all the rest without asking again", async () => {
    const { user, file, companies } = await fixture();
    const run = await crm(["import", file, "--user", user.email, "--duplicates", "ask"], "U\n");
    expect(run.output).not.toContain("Line 4:");
    expect(run.output).toContain("completed: 1 created, 2 updated, 0 skipped, 1 failed.");
    expect(await companies()).toMatchObject({ "ana@example.com": "New Co", "ben@example.com": "New Co" });
  });

  it("--duplicates ask: input that ends before every decision imports nothing and says so", async () => {
    const { user, file, companies, lastImport } = await fixture();
    const run = await crm(["import", file, "--user", user.email, "--duplicates", "ask"], "u\n");
    expect(run.code).toBe(2);
    expect(run.output).toContain("crm: The input ended before every duplicate was decided; nothing was imported.");
    expect(await companies()).toEqual({ "ana@example.com": "Old Co", "ben@example.com": "Old Co" });
    expect((await lastImport())?.status).toBe("cancelled");
  });

  it("refuses an unknown duplicate choice, a missing file and an unknown user, before touching anything", {
    timeout: 60_000,
  }, async () => {
    const { user, file, dir } = await fixture();
    const bogus = await crm(["import", file, "--user", user.email, "--duplicates", "merge"]);
    expect(bogus).toMatchObject({ code: 2 });
    expect(bogus.output).toContain('--duplicates must be "skip", "update" or "ask"');
    const missing = await crm(["import", path.join(dir, "nope.csv"), "--user", user.email]);
    expect(missing.output).toContain("Cannot read");
    expect(missing.code).toBe(2);
    const stranger = await crm(["import", file, "--user", "nobody@example.com"]);
    expect(stranger.output).toContain("No user with the email nobody@example.com");
    expect(stranger.code).toBe(2);
  });
});

describe("askDuplicateDecisions", () => {
  const duplicates = (n: number): ExistingDuplicate[] =>
    Array.from({ length: n }, (_, i) => ({
      line: i + 2,
      email: `c${i}@example.com`,
      clientId: "00000000-0000-4000-8000-000000000000",
      name: `Client ${i}`,
    }));

  function ask(listed: ExistingDuplicate[], total: number, answers: string) {
    const input = new PassThrough();
    const output = new PassThrough();
    let said = "";
    output.on("data", (chunk) => {
      said += chunk;
    });
    input.end(answers);
    return askDuplicateDecisions(listed, total, { input, output }).then((decisions) => ({ decisions, said }));
  }

  it("asks once more for the matches beyond the listed ones", async () => {
    const { decisions, said } = await ask(duplicates(2), 700, "s\nu\nu\n");
    expect(decisions).toEqual({ "2": "skip", "3": "update", rest: "update" });
    expect(said).toContain("698 more beyond the first 500");
  });

  it("S skips the current one, the rest of the list and the unlisted ones", async () => {
    const { decisions } = await ask(duplicates(3), 700, "u\nS\n");
    expect(decisions).toEqual({ "2": "update", "3": "skip", "4": "skip", rest: "skip" });
  });
});
