import { DEFAULT_TRASH_RETENTION_DAYS } from "@crm/core";
import { describe, it } from "vitest";
import { commands } from "./commands";
import { runCrm } from "./run-crm.test-util";

function crm(...args: string[]) {
  return runCrm(args);
}

const overview = /^Usage: pnpm crm <command> \[options\]/;

describe("crm's arguments", { timeout: 60_000, concurrent: true }, () => {
  it.for(commands)("$name --help prints that command's usage to stdout and exits 0", async (command, { expect }) => {
    const asked = await crm(command.name, "--help");
    expect(asked).toEqual({ code: 0, stdout: `${command.usage}\n`, stderr: "" });
    expect(command.usage).toMatch(new RegExp(`^Usage: pnpm crm ${command.name}\\b`));
    expect(await crm("help", command.name)).toEqual(asked);
  });

  it("--help, -h and help print the overview, naming every command, to stdout with exit 0", async ({ expect }) => {
    for (const flag of ["--help", "-h", "help"]) {
      const run = await crm(flag);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.stdout).toMatch(overview);
      for (const command of commands) expect(run.stdout).toContain(`  ${command.name} `);
    }
  });

  it("bare crm is a usage error: the overview on stderr, exit 2", async ({ expect }) => {
    const run = await crm();
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(overview);
  });

  it("an unknown command is a usage error naming it", async ({ expect }) => {
    const run = await crm("frobnicate");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stderr).toMatch(/Usage: pnpm crm <command>/);
  });

  it("an unknown option is a usage error naming it, with the command's usage", async ({ expect }) => {
    const run = await crm("import", "contacts.csv", "--user", "a@example.com", "--dry-run");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("crm import: unknown option --dry-run");
    expect(run.stderr).toContain(commands.find((command) => command.name === "import")!.usage);
  });

  it("a missing option value, a stray argument and a bad number are usage errors naming them", async ({ expect }) => {
    const missing = await crm("import", "contacts.csv", "--user");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--user");
    const stray = await crm("purge", "now");
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('crm purge: unexpected argument "now"');
    const notANumber = await crm("seed", "--users", "many");
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain('--users must be a whole number, got "many"');
  });

  it("purge's usage states the retention the code applies", ({ expect }) => {
    const purge = commands.find((command) => command.name === "purge")!;
    expect(purge.usage).toContain(`else ${DEFAULT_TRASH_RETENTION_DAYS})`);
  });
});
