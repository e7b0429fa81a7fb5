import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import type { CliEnv } from "./env";

/**
 * The worker's logger, configured as the server's: JSON lines on stdout, readable lines instead
 * when a developer watches a terminal outside production.
 */
export function createLogger(env: Pick<CliEnv, "LOG_LEVEL" | "NODE_ENV">): Logger {
  const options = { level: env.LOG_LEVEL };
  if (process.stdout.isTTY && env.NODE_ENV !== "production") {
    return pino(options, pretty({ ignore: "pid,hostname", translateTime: "HH:MM:ss", sync: true }));
  }
  return pino(options);
}
