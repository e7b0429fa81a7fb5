import { schema } from "@crm/db";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { AuthedContext } from "../context";
import { DomainError } from "../errors";

const { imports } = schema;

type ImportFailure = NonNullable<(typeof imports.$inferSelect)["failures"]>[number];

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

export type ImportStatusView = Awaited<ReturnType<typeof selectImportStatus>>[number];

export async function getImport(ctx: AuthedContext, id: string): Promise<ImportStatusView> {
  const [row] = await selectImportStatus(ctx, eq(imports.id, id), 1);
  if (!row) throw new DomainError("NOT_FOUND", "Import not found");
  return row;
}

/** The 20 latest, in one query. */
export function listImports(ctx: AuthedContext): Promise<ImportStatusView[]> {
  return selectImportStatus(ctx, undefined, 20);
}
