import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface CrmRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `pnpm crm …` as its own process, as a user runs it (tsx, from the repository root), with `env` on
 * top of this process's environment (a value of "" unsets a variable for the command, as env.ts reads it).
 */
export function runCrm(args: string[], env: Record<string, string> = {}): Promise<CrmRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "apps/cli/src/main.ts", ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
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
