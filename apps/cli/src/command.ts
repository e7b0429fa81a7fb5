import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { ArgumentError } from "./usage-error";

/** One `crm <name>` command. `run` gets the arguments after the name; `--help` never reaches it. */
export interface Command {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** The full text `crm <name> --help` prints. */
  usage: string;
  run(args: string[]): Promise<number>;
}

/** node:util's parseArgs in strict mode, its errors turned into ArgumentErrors that name the culprit. */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(
  args: string[],
  options: O,
  config: { positionals?: boolean } = {},
) {
  try {
    return parseArgs({ args, options, allowPositionals: config.positionals ?? false, strict: true });
  } catch (error) {
    throw new ArgumentError(describeParseError(error as Error & { code?: string }));
  }
}

function describeParseError(error: Error & { code?: string }): string {
  const culprit = /'([^']+)'/.exec(error.message)?.[1];
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${culprit}`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument "${culprit}"`;
    default:
      // Node's own sentence already names the option ("Option '--user <value>' argument missing").
      return error.message;
  }
}

/** A whole number (0 or more) from an option, or the fallback when the option is absent. */
export function wholeNumber(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new ArgumentError(`--${option} must be a whole number, got "${value}"`);
  return n;
}
