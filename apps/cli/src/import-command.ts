import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import {
  type AuthedContext,
  cancelImport,
  createImport,
  type ExistingDuplicate,
  failedRowsFile,
  getImport,
  LISTED_DUPLICATES,
  runImport,
  startImport,
} from "@crm/core";
import type { DuplicatePolicy } from "./commands/import";
import { progressReporter } from "./progress";
import { UsageError } from "./usage-error";

type Decision = "skip" | "update";
export type Decisions = Record<string, Decision>;

/**
 * Asks, line by line on stdin, what to do with each row whose email an existing client already has:
 * the CLI's version of the web's duplicate list. Answers can be piped (one per line). Lines are read
 * through the async iterator, which buffers them, so piped answers that arrive before their question
 * are not lost. Returns null when the input ends before every duplicate is decided.
 */
export async function askDuplicateDecisions(
  duplicates: ExistingDuplicate[],
  total: number,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
): Promise<Decisions | null> {
  const rl = createInterface({ input: io.input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const say = (text: string) => io.output.write(text);
  const answer = async (question: string, allowed: Record<string, string>): Promise<string | null> => {
    for (;;) {
      say(question);
      const next = await lines.next();
      if (next.done) return null;
      const typed = next.value.trim();
      const choice = allowed[typed] ?? allowed[typed.toLowerCase()];
      if (choice) return choice;
      say(`  Type one of: ${Object.keys(allowed).join(", ")}\n`);
    }
  };
  try {
    say(
      `${total} ${total === 1 ? "row has an email" : "rows have emails"} that your clients already have. ` +
        "For each: s = skip the row, u = update the client from it, S = skip all the rest, U = update all the rest.\n",
    );
    const decisions: Decisions = {};
    for (const [i, duplicate] of duplicates.entries()) {
      const choice = await answer(
        `[${i + 1}/${total}] Line ${duplicate.line}: ${duplicate.email} is already ${duplicate.name}. [s/u/S/U] `,
        { s: "skip", u: "update", S: "skip-rest", U: "update-rest" },
      );
      if (!choice) return null;
      if (choice === "skip" || choice === "update") {
        decisions[String(duplicate.line)] = choice;
        continue;
      }
      const rest: Decision = choice === "skip-rest" ? "skip" : "update";
      for (const later of duplicates.slice(i)) decisions[String(later.line)] = rest;
      decisions.rest = rest;
      return decisions;
    }
    const unlisted = total - duplicates.length;
    if (unlisted > 0) {
      const choice = await answer(
        `${unlisted} more beyond the first ${LISTED_DUPLICATES}: skip or update them all? [s/u] `,
        { s: "skip", u: "update" },
      );
      if (!choice) return null;
      decisions.rest = choice as Decision;
    }
    return decisions;
  } finally {
    rl.close();
  }
}

/**
 * `crm import FILE --user EMAIL`: the same draft → start → run path as the web (the CLI runs the
 * import in this process instead of queueing it), with progress on stderr. Exit code 0 when it completed.
 */
export async function importFromCli(
  ctx: AuthedContext,
  options: { path: string; policy: DuplicatePolicy; failedRowsPath?: string },
): Promise<number> {
  const bytes = await readFile(options.path).catch(() => {
    throw new UsageError(`Cannot read ${options.path}`);
  });
  const draft = await createImport(ctx, { filename: basename(options.path), bytes: new Uint8Array(bytes) });
  for (const warning of draft.warnings) console.log(`Note: ${warning}`);
  const columns = Object.entries(draft.mapping)
    .filter(([, field]) => field)
    .map(([column, field]) => `${draft.headers[Number(column)]} → ${field}`);
  console.log(`Columns: ${columns.join(", ")}`);

  let decisions: Decisions | undefined;
  if (options.policy === "ask" && draft.existingDuplicateCount > 0) {
    const asked = await askDuplicateDecisions(draft.existingDuplicates, draft.existingDuplicateCount, {
      input: process.stdin,
      output: process.stdout,
    });
    if (!asked) {
      await cancelImport(ctx, draft.id);
      throw new UsageError("The input ended before every duplicate was decided; nothing was imported.");
    }
    decisions = asked;
  }

  await startImport(
    ctx,
    { id: draft.id, mapping: draft.mapping as never, duplicatePolicy: options.policy, decisions },
    { enqueue: false },
  );
  const progress = progressReporter((done, total) => `Importing ${done} of ${total}`);
  try {
    await runImport(ctx, { userId: ctx.userId, importId: draft.id }, ({ processed, total }) =>
      progress.update(processed, total),
    );
  } finally {
    progress.finish();
  }
  const result = await getImport(ctx, draft.id);
  console.log(
    `${result.status}: ${result.created} created, ${result.updated} updated, ${result.skipped} skipped, ${result.failed} failed.`,
  );
  for (const failure of result.failures.slice(0, 20)) console.log(`  line ${failure.line}: ${failure.reason}`);
  if (result.failures.length > 20 && !options.failedRowsPath)
    console.log("  … and more: --failed-rows FILE writes them all, with a Problem column");
  if (options.failedRowsPath && result.failures.length > 0) {
    const file = await failedRowsFile(ctx, draft.id);
    await writeFile(options.failedRowsPath, file.content);
    console.log(`Rows not imported written to ${options.failedRowsPath}`);
  }
  return result.status === "completed" ? 0 : 1;
}
