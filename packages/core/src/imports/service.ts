import { randomUUID } from "node:crypto";
import { schema } from "@crm/db";
import { and, desc, eq, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { recordActivity } from "../activity/activity";
import type { AuthedContext, CoreContext } from "../context";
import { DomainError } from "../errors";
import { listStages, lockPipeline, nextPositionIn } from "../pipeline/stages";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { runImportJob } from "./jobs";
import { type ImportMapping, importMappingSchema, suggestMapping, validateMapping } from "./mapping";
import { readImportFile } from "./read";
import { type FailedRow, failedRowsCsv, mapRow, summarizePreview } from "./rows";

const { imports, clients, users, clientNotes, activityLogs } = schema;

/** Rows written per batch; the whole import is one transaction (all or nothing). */
export const IMPORT_BATCH_SIZE = 100;

export const duplicatePolicySchema = z.enum(["skip", "update", "ask"], {
  error: "Choose what to do with duplicates: skip, update or ask",
});

export const importStartInput = z.object({
  id: z.uuid(),
  mapping: importMappingSchema,
  duplicatePolicy: duplicatePolicySchema,
  /**
   * With "ask": for each line whose email matches an existing client, "skip" or "update"; under the key
   * `rest`, the choice for the matches beyond the first LISTED_DUPLICATES (not listed one by one).
   */
  decisions: z
    .record(
      z.string().regex(/^(\d+|rest)$/, "Decisions are keyed by line number, or `rest`"),
      z.enum(["skip", "update"], { error: "Decide skip or update" }),
    )
    .optional(),
});

/** Matches listed for a decision one by one; the rest take one decision together. */
export const LISTED_DUPLICATES = 500;
export const importPreviewInput = z.object({ id: z.uuid(), mapping: importMappingSchema.optional() });

export interface ExistingDuplicate {
  line: number;
  email: string;
  clientId: string;
  name: string;
}

async function ownerRegion(ctx: AuthedContext): Promise<string> {
  const [row] = await ctx.db.select({ region: users.phoneRegion }).from(users).where(eq(users.id, ctx.userId));
  return row?.region ?? "US";
}

async function loadImport(ctx: AuthedContext, id: string) {
  const [row] = await ctx.db
    .select()
    .from(imports)
    .where(and(eq(imports.id, id), eq(imports.userId, ctx.userId)));
  if (!row) throw new DomainError("NOT_FOUND", "Import not found");
  return row;
}

function toMapping(raw: Record<string, string | null> | null | undefined): ImportMapping {
  return Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [Number(k), v])) as ImportMapping;
}

/** Live clients of the owner that already have an email of the file (case-insensitive). */
type ExistingClient = { id: string; name: string; version: number };

/**
 * The owner's live clients with an email, by lowercased email: read once per import. (Looking them
 * up per batch planned as a walk over all the owner's rows, which grew with every batch inserted in
 * the same transaction and made a 50k-row import quadratic.)
 */
async function liveClientsByEmail(ctx: AuthedContext): Promise<Map<string, ExistingClient>> {
  const rows = await ctx.db
    .select({
      id: clients.id,
      email: clients.email,
      firstName: clients.firstName,
      lastName: clients.lastName,
      version: clients.version,
    })
    .from(clients)
    .where(and(eq(clients.userId, ctx.userId), isNull(clients.deletedAt), isNotNull(clients.email)));
  return new Map(
    rows.map((r) => [
      r.email!.toLowerCase(),
      { id: r.id, name: [r.firstName, r.lastName].filter(Boolean).join(" ") || r.email!, version: r.version },
    ]),
  );
}

async function describeImport(ctx: AuthedContext, row: typeof imports.$inferSelect, mapping?: ImportMapping) {
  if (!row.content)
    throw new DomainError("VALIDATION", "This import has already run; upload the file again", { field: "id" });
  const file = readImportFile(new Uint8Array(row.content));
  const chosen = mapping ?? toMapping(row.mapping);
  const region = await ownerRegion(ctx);
  const preview = summarizePreview(file, chosen, { phoneRegion: region, limit: 20 });
  const emails: { line: number; email: string }[] = [];
  for (const r of file.rows) {
    const mapped = mapRow(r.values, chosen, { phoneRegion: region });
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
    if (input.duplicatePolicy === "ask") {
      const { existingDuplicates, existingDuplicateCount } = await describeImport(tx, row, mapping);
      const undecided = existingDuplicates.filter((d) => !input.decisions?.[String(d.line)]);
      const unlisted = existingDuplicateCount - existingDuplicates.length;
      if (unlisted > 0 && !input.decisions?.rest) {
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
          {
            field: "decisions",
            details: { lines: undecided.map((d) => d.line).slice(0, 50) },
          },
        );
      }
    }
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
 * What the progress view polls, every second while an import runs: everything but the file (up to
 * 10 MB) and the full failure list (up to every row), of which the first 100 come from the database.
 */
const importStatusColumns = {
  id: imports.id,
  filename: imports.filename,
  status: imports.status,
  duplicatePolicy: imports.duplicatePolicy,
  totalRows: imports.totalRows,
  processedRows: imports.processedRows,
  created: imports.created,
  updated: imports.updated,
  skipped: imports.skipped,
  failed: imports.failed,
  failures: sql<ImportFailure[] | null>`jsonb_path_query_array(${imports.failures}, '$[0 to 99]')`,
  error: imports.error,
  cancelRequested: imports.cancelRequested,
  createdAt: imports.createdAt,
  startedAt: imports.startedAt,
  finishedAt: imports.finishedAt,
};
type ImportFailure = NonNullable<(typeof imports.$inferSelect)["failures"]>[number];

async function selectImportStatus(ctx: AuthedContext, where: SQL | undefined, limit: number) {
  const rows = await ctx.db
    .select(importStatusColumns)
    .from(imports)
    .where(and(eq(imports.userId, ctx.userId), where))
    .orderBy(desc(imports.createdAt))
    .limit(limit);
  return rows.map(({ failures, cancelRequested, ...row }) => ({
    ...row,
    failures: failures ?? [],
    cancelRequested: cancelRequested === 1,
  }));
}

export async function getImport(ctx: AuthedContext, id: string) {
  const [row] = await selectImportStatus(ctx, eq(imports.id, id), 1);
  if (!row) throw new DomainError("NOT_FOUND", "Import not found");
  return row;
}

/** The 20 latest, in one query. */
export function listImports(ctx: AuthedContext) {
  return selectImportStatus(ctx, undefined, 20);
}

/** Stops an import: a queued one never starts; a running one rolls back at its next batch. */
export async function cancelImport(ctx: AuthedContext, id: string) {
  const row = await loadImport(ctx, id);
  if (row.status === "uploaded" || row.status === "queued") {
    await ctx.db
      .update(imports)
      .set({ status: "cancelled", cancelRequested: 1, content: null, finishedAt: ctx.clock.now() })
      .where(eq(imports.id, id));
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

class ImportCancelled extends Error {}
class ImportBatchFailed extends Error {
  constructor(
    readonly firstLine: number,
    readonly lastLine: number,
    override readonly cause: unknown,
  ) {
    super(`batch of lines ${firstLine}–${lastLine}`);
  }
}

/**
 * Runs an import: every batch of IMPORT_BATCH_SIZE rows inside one transaction, so a critical
 * error or a cancel leaves nothing behind. Progress is written on a separate connection between
 * batches, so the user sees it live. Invalid rows are skipped and reported with their line.
 * Idempotent: an import that already ended is left alone.
 */
export async function runImport(
  ctx: CoreContext,
  input: { userId: string; importId: string },
  onBatch?: (progress: { processed: number; total: number }) => Promise<void> | void,
): Promise<void> {
  const owner: AuthedContext = { ...ctx, userId: input.userId };
  const [row] = await ctx.db
    .select()
    .from(imports)
    .where(and(eq(imports.id, input.importId), eq(imports.userId, input.userId)));
  if (!row || !(row.status === "queued" || row.status === "running") || !row.content) return;
  const now = () => ctx.clock.now();
  if (row.cancelRequested) {
    await ctx.db
      .update(imports)
      .set({ status: "cancelled", content: null, finishedAt: now() })
      .where(eq(imports.id, row.id));
    return;
  }
  const file = readImportFile(new Uint8Array(row.content));
  const mapping = toMapping(row.mapping);
  const region = await ownerRegion(owner);
  const total = file.rows.length;
  await ctx.db
    .update(imports)
    .set({ status: "running", startedAt: now(), totalRows: total, processedRows: 0 })
    .where(eq(imports.id, row.id));

  const counts = { created: 0, updated: 0, skipped: 0, failed: 0 };
  const failures: FailedRow[] = [];
  const seen = new Map<string, number>();
  try {
    await ctx.db.transaction(async (db) => {
      const tx: AuthedContext = { ...owner, db };
      await lockPipeline(tx);
      const stage = (await listStages(tx))[0]?.id ?? null;
      const existing = await liveClientsByEmail(tx);
      let position = stage ? await nextPositionIn(tx, stage) : 0;

      const mapBatch = (from: number) =>
        file.rows
          .slice(from, from + IMPORT_BATCH_SIZE)
          .map((r) => ({ row: r, result: mapRow(r.values, mapping, { phoneRegion: region }) }));
      let upcoming: ReturnType<typeof mapBatch> | null = null;
      for (let start = 0; start < total; start += IMPORT_BATCH_SIZE) {
        const batch = file.rows.slice(start, start + IMPORT_BATCH_SIZE);
        const processed = Math.min(total, start + batch.length);
        let progressWritten: Promise<{ cancel: number }[]> = Promise.resolve([]);
        try {
          const mapped = upcoming ?? mapBatch(start);
          upcoming = null;
          const inserts: { line: number; client: typeof clients.$inferInsert; note: string | null }[] = [];
          for (const { row: r, result } of mapped) {
            if (!result.ok) {
              counts.failed++;
              failures.push({ line: r.line, values: r.values, reason: result.reason });
              continue;
            }
            const key = result.client.email?.toLowerCase();
            if (key && seen.has(key)) {
              counts.skipped++;
              failures.push({ line: r.line, values: r.values, reason: `Skipped: same email as line ${seen.get(key)}` });
              continue;
            }
            if (key) seen.set(key, r.line);
            const match = key ? existing.get(key) : undefined;
            if (match) {
              const decision =
                row.duplicatePolicy === "ask"
                  ? (row.decisions?.[String(r.line)] ?? row.decisions?.rest ?? "skip")
                  : row.duplicatePolicy;
              if (decision === "update") {
                await updateFromImport(tx, match.id, result.client, result.note);
                counts.updated++;
              } else {
                counts.skipped++;
              }
              continue;
            }
            inserts.push({
              line: r.line,
              note: result.note,
              client: {
                userId: input.userId,
                ...result.client,
                stageId: stage,
                position: stage ? position++ : null,
                source: result.client.source ?? `Import: ${row.filename}`.slice(0, 100),
                createdAt: now(),
                updatedAt: now(),
              },
            });
          }
          // Ids are made here, so notes and activity rows need nothing back from the insert.
          const created = inserts.map(() => ({ id: randomUUID() }));
          // Clients and their "imported" activity rows in one statement: the batch as one JSON
          // parameter expanded by the server (prepares once, instead of ~1,300 bound parameters
          // rebuilt per batch), the activity rows from what it inserted.
          const inserted = inserts.length
            ? db
                .execute(sql`
              with inserted as (
                insert into ${clients} (id, user_id, first_name, last_name, email, phone, company, status, stage_id,
                                        position, tags, source, created_at, updated_at)
                select r.id, ${input.userId}::uuid, r.first_name, r.last_name, r.email, r.phone, r.company,
                       r.status::client_status, ${stage}::uuid, r.position,
                       r.tags, r.source,
                       ${now().toISOString()}::timestamptz, ${now().toISOString()}::timestamptz
                  from jsonb_to_recordset(${JSON.stringify(
                    inserts.map(({ client: c }, i) => ({
                      id: created[i]!.id,
                      first_name: c.firstName ?? null,
                      last_name: c.lastName ?? null,
                      email: c.email ?? null,
                      phone: c.phone ?? null,
                      company: c.company ?? null,
                      status: c.status ?? "active",
                      position: c.position ?? null,
                      tags: c.tags ?? [],
                      source: c.source ?? null,
                    })),
                  )}::jsonb) as r(id uuid, first_name text, last_name text, email text, phone text, company text,
                                   status text, position int, tags text[], source text)
                returning id
              )
              insert into ${activityLogs} (user_id, actor_id, entity_type, entity_id, client_id, action, changes, created_at)
              select ${input.userId}::uuid, ${input.userId}::uuid, 'client', id, id, 'imported', ${JSON.stringify({
                import: { before: null, after: row.filename },
              })}::jsonb, ${now().toISOString()}::timestamptz
                from inserted`)
                .then(() => undefined)
            : null;
          // Handled at the await below; this keeps a failure from counting as unhandled meanwhile.
          inserted?.catch(() => {});
          // Progress goes outside the transaction (on another connection), so the bar moves while
          // the import is still uncommitted; the same statement reads the Cancel flag.
          progressWritten = ctx.db
            .update(imports)
            .set({ processedRows: processed })
            .where(eq(imports.id, row.id))
            .returning({ cancel: imports.cancelRequested })
            .then((rows) => rows);
          progressWritten.catch(() => {});
          // While the database writes this batch, check the next one here (phone parsing and
          // validation are most of the import's own CPU): the two cores work at once. Neither Drizzle
          // nor postgres.js sends a query when it is built: `.then` above starts it, and postgres.js
          // writes it to the socket only after a microtask, so yield once before the synchronous
          // mapping, or the insert waits for it (measured: 50k rows in 5.6–8.6 s without, 4.6–5.1 s with).
          if (start + IMPORT_BATCH_SIZE < total) {
            await new Promise((resolve) => setImmediate(resolve));
            upcoming = mapBatch(start + IMPORT_BATCH_SIZE);
          }
          await inserted;
          if (inserts.length) {
            counts.created += created.length;
            const notes = created.flatMap((c, i) =>
              inserts[i]!.note
                ? [
                    {
                      userId: input.userId,
                      clientId: c.id,
                      body: inserts[i]!.note!,
                      createdAt: now(),
                      updatedAt: now(),
                    },
                  ]
                : [],
            );
            if (notes.length) await db.insert(clientNotes).values(notes);
          }
        } catch (error) {
          throw new ImportBatchFailed(batch[0]!.line, batch[batch.length - 1]!.line, error);
        }
        const [flag] = await progressWritten;
        await onBatch?.({ processed, total });
        if (flag?.cancel) throw new ImportCancelled();
      }
      // The deferred constraint on card positions is checked here, at commit.
    });
  } catch (error) {
    const cancelled = error instanceof ImportCancelled;
    const reason =
      error instanceof ImportBatchFailed
        ? `Nothing was imported: the database refused the ${error.message}. Fix those rows and try again.`
        : error instanceof Error && !cancelled
          ? "Nothing was imported: the import stopped on an unexpected error."
          : null;
    await ctx.db
      .update(imports)
      .set({
        status: cancelled ? "cancelled" : "failed",
        error: reason,
        created: 0,
        updated: 0,
        skipped: 0,
        failed: 0,
        content: null,
        finishedAt: now(),
      })
      .where(eq(imports.id, row.id));
    if (!cancelled) throw new ImportAborted(reason ?? "Import failed", error);
    return;
  }
  await ctx.db
    .update(imports)
    .set({ status: "completed", ...counts, failures, processedRows: total, content: null, finishedAt: now() })
    .where(eq(imports.id, row.id));
}

/** Raised after an import rolled back on a critical error (already recorded on the import). */
export class ImportAborted extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

async function updateFromImport(
  ctx: AuthedContext,
  clientId: string,
  imported: {
    firstName: string | null;
    lastName: string | null;
    phone: string | null;
    company: string | null;
    tags: string[];
    source: string | null;
  },
  note: string | null,
) {
  const [current] = await ctx.db.select().from(clients).where(eq(clients.id, clientId)).for("update");
  if (!current) return;
  // Only what the file says: blank cells never erase what the client already has.
  const next = {
    firstName: imported.firstName ?? current.firstName,
    lastName: imported.lastName ?? current.lastName,
    phone: imported.phone ?? current.phone,
    company: imported.company ?? current.company,
    tags: [...new Set([...current.tags, ...imported.tags])],
    source: current.source ?? imported.source,
  };
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const [field, value] of Object.entries(next)) {
    const before = current[field as keyof typeof current];
    if (JSON.stringify(before) !== JSON.stringify(value)) changes[field] = { before, after: value };
  }
  if (Object.keys(changes).length) {
    await ctx.db
      .update(clients)
      .set({ ...next, version: current.version + 1, updatedAt: ctx.clock.now() })
      .where(eq(clients.id, clientId));
    await recordActivity(ctx, { entityType: "client", entityId: clientId, clientId, action: "updated", changes });
  }
  if (note) {
    await ctx.db
      .insert(clientNotes)
      .values({ userId: ctx.userId, clientId, body: note, createdAt: ctx.clock.now(), updatedAt: ctx.clock.now() });
  }
}
