import { schema } from "@crm/db";
import { type ImportMapping, importPreviewInput, importStartInput, LISTED_DUPLICATES } from "@crm/shared";
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { AuthedContext } from "../context";
import { DomainError } from "../errors";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { runImportJob } from "./jobs";
import { suggestMapping, validateMapping } from "./mapping";
import { isOrphan, settleOrphan } from "./orphans";
import { readImportFile } from "./read";
import { failedRowsCsv, mapRow, summarizePreview } from "./rows";
import { getImport } from "./status";
import { type ImportRow, liveClientsByEmail, loadImport, mapRowOptions, toMapping } from "./store";

const { imports } = schema;

export { LISTED_DUPLICATES } from "@crm/shared";

export interface ExistingDuplicate {
  line: number;
  email: string;
  clientId: string;
  name: string;
}

async function describeImport(ctx: AuthedContext, row: ImportRow, mapping?: ImportMapping) {
  if (!row.content)
    throw new DomainError("VALIDATION", "This import has already run; upload the file again", { field: "id" });
  const file = readImportFile(new Uint8Array(row.content));
  const chosen = mapping ?? toMapping(row.mapping);
  const options = await mapRowOptions(ctx);
  const preview = summarizePreview(file, chosen, { ...options, limit: 20 });
  const emails: { line: number; email: string }[] = [];
  for (const r of file.rows) {
    const mapped = mapRow(r.values, chosen, options);
    if (mapped.ok && mapped.client.email) emails.push({ line: r.line, email: mapped.client.email });
  }
  const existing = await liveClientsByEmail(ctx);
  const duplicates: ExistingDuplicate[] = emails
    .filter((e) => existing.has(e.email.toLowerCase()))
    .map((e) => {
      const client = existing.get(e.email.toLowerCase())!;
      return { line: e.line, email: e.email, clientId: client.id, name: client.name };
    });
  return {
    id: row.id,
    filename: row.filename,
    status: row.status,
    headers: file.headers,
    delimiter: file.delimiter,
    encoding: file.encoding,
    warnings: file.warnings,
    mapping: chosen,
    preview,
    existingDuplicates: duplicates.slice(0, LISTED_DUPLICATES),
    existingDuplicateCount: duplicates.length,
  };
}

/** Stores an uploaded file and answers what it contains, with a suggested mapping. */
export async function createImport(ctx: AuthedContext, input: { filename: string; bytes: Uint8Array }) {
  const filename = input.filename.trim().slice(0, 200) || "import.csv";
  const file = readImportFile(input.bytes); // refuses empty, binary, oversized and malformed files
  if (file.rows.length === 0)
    throw new DomainError("VALIDATION", "The file has a header row but no clients", { field: "file" });
  const mapping = suggestMapping(
    file.headers,
    file.rows.slice(0, 20).map((r) => r.values),
  );
  const [row] = await ctx.db
    .insert(imports)
    .values({
      userId: ctx.userId,
      filename,
      content: Buffer.from(input.bytes),
      headers: file.headers,
      totalRows: file.rows.length,
      mapping: Object.fromEntries(Object.entries(mapping).map(([k, v]) => [k, v])),
      createdAt: ctx.clock.now(),
    })
    .returning();
  return describeImport(ctx, row!, mapping);
}

export async function previewImport(ctx: AuthedContext, rawInput: z.input<typeof importPreviewInput>) {
  const input = parseInput(importPreviewInput, rawInput);
  const row = await loadImport(ctx, input.id);
  return describeImport(ctx, row, input.mapping ? toMapping(input.mapping) : undefined);
}

/** With "ask", every match of an existing client needs a decision before the import starts. */
async function assertDecided(
  tx: AuthedContext,
  row: ImportRow,
  mapping: ImportMapping,
  decisions: Record<string, "skip" | "update"> | undefined,
) {
  const { existingDuplicates, existingDuplicateCount } = await describeImport(tx, row, mapping);
  const undecided = existingDuplicates.filter((d) => !decisions?.[String(d.line)]);
  const unlisted = existingDuplicateCount - existingDuplicates.length;
  if (unlisted > 0 && !decisions?.rest) {
    throw new DomainError(
      "VALIDATION",
      `Decide for the ${unlisted} duplicates beyond the first ${LISTED_DUPLICATES} too (skip or update them)`,
      { field: "decisions", details: { lines: [] } },
    );
  }
  if (undecided.length) {
    throw new DomainError(
      "VALIDATION",
      `Decide for each duplicate first (${undecided.length} left, e.g. line ${undecided[0]!.line})`,
      { field: "decisions", details: { lines: undecided.map((d) => d.line).slice(0, 50) } },
    );
  }
}

/**
 * Queues the import with the user's mapping and duplicate choice; the job is enqueued in the same
 * transaction. `enqueue: false` is for the CLI, which then calls runImport itself (same code path).
 */
export async function startImport(
  ctx: AuthedContext,
  rawInput: z.input<typeof importStartInput>,
  options: { enqueue?: boolean } = {},
) {
  const input = parseInput(importStartInput, rawInput);
  const enqueue = options.enqueue ?? true;
  if (enqueue && !ctx.jobs) throw new Error("Starting an import needs the job queue in the context");
  const mapping = toMapping(input.mapping);
  const problem = validateMapping(mapping);
  if (problem) throw new DomainError("VALIDATION", problem, { field: "mapping" });
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .select()
      .from(imports)
      .where(and(eq(imports.id, input.id), eq(imports.userId, ctx.userId)))
      .for("update");
    if (!row) throw new DomainError("NOT_FOUND", "Import not found");
    if (row.status !== "uploaded") throw new DomainError("INVALID_TRANSITION", `This import is already ${row.status}`);
    if (input.duplicatePolicy === "ask") await assertDecided(tx, row, mapping, input.decisions);
    await tx.db
      .update(imports)
      .set({
        status: "queued",
        mapping: input.mapping,
        duplicatePolicy: input.duplicatePolicy,
        decisions: input.decisions ?? null,
      })
      .where(eq(imports.id, row.id));
    if (enqueue)
      await ctx.jobs!.send(tx.db, runImportJob, { userId: ctx.userId, importId: row.id }, { singletonKey: row.id });
    return getImport(tx, row.id);
  });
}

/**
 * Stops an import: a queued one never starts; a running one rolls back at its next batch; one whose
 * run died is rolled back and cancelled here and now.
 */
export async function cancelImport(ctx: AuthedContext, id: string) {
  const row = await loadImport(ctx, id);
  if (row.status === "uploaded" || row.status === "queued") {
    await ctx.db
      .update(imports)
      .set({ status: "cancelled", cancelRequested: 1, content: null, finishedAt: ctx.clock.now() })
      .where(eq(imports.id, id));
  } else if (isOrphan(ctx, row)) {
    await settleOrphan(ctx, row, "cancelled");
  } else if (row.status === "running") {
    await ctx.db.update(imports).set({ cancelRequested: 1 }).where(eq(imports.id, id));
  } else {
    throw new DomainError("INVALID_TRANSITION", `This import is already ${row.status}`);
  }
  return getImport(ctx, id);
}

export async function failedRowsFile(ctx: AuthedContext, id: string) {
  const row = await loadImport(ctx, id);
  const base = row.filename.replace(/\.csv$/i, "");
  return { filename: `${base}-failed-rows.csv`, content: failedRowsCsv(row.headers ?? [], row.failures ?? []) };
}
