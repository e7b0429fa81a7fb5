#!/usr/bin/env -S npx tsx
import type { Command } from "./command";
import { commands } from "./commands";
import { ArgumentError, UsageError } from "./usage-error";

const width = Math.max(...commands.map((command) => command.name.length), "help".length) + 2;
const USAGE = `Usage: pnpm crm <command> [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join("\n")}
  ${"help".padEnd(width)}Show this text, or a command's: pnpm crm help <command>

Run "pnpm crm <command> --help" for a command's options.

The database is DATABASE_URL, or the embedded PostgreSQL in CRM_DATA_DIR (default ./.data);
while the app runs on the embedded database, commands use that running server.`;

const HELP_FLAGS = ["--help", "-h"];

/** `-h`/`--help` anywhere before a `--` terminator. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((arg) => HELP_FLAGS.includes(arg));
}

/** Usage errors go to stderr with exit code 2; help asked for goes to stdout with 0. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(USAGE);
    return 2;
  }
  if (name === "help" || HELP_FLAGS.includes(name)) return help(rest[0]);
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`crm: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (asksForHelp(rest)) {
    console.log(command.usage);
    return 0;
  }
  return runCommand(command, rest);
}

function help(topic: string | undefined): number {
  if (topic === undefined) {
    console.log(USAGE);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === topic);
  if (!command) {
    console.error(`crm: unknown command "${topic}"\n\n${USAGE}`);
    return 2;
  }
  console.log(command.usage);
  return 0;
}

async function runCommand(command: Command, args: string[]): Promise<number> {
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof ArgumentError) {
      console.error(`crm ${command.name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof UsageError) {
      console.error(`crm: ${error.message}`);
      return 2;
    }
    // Only a command that got as far as the domain throws its errors: @crm/core is loaded by then.
    const { DomainError } = await import("@crm/core");
    if (error instanceof DomainError) {
      console.error(`crm: ${error.message}${error.field ? ` (${error.field})` : ""}`);
      return 2;
    }
    console.error(`crm: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
