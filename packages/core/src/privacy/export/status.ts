import { schema } from "@crm/db";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { AuthedContext } from "../../context";
import { DomainError } from "../../errors";
import { inTransaction } from "../../transaction";
import { readChunks } from "./chunks";
import { EXPORT_LINK_TTL_MS, exportAccountJob } from "./job";

const { accountExports } = schema;

export type ExportStatusName = "queued" | "running" | "ready" | "failed" | "expired";

export interface ExportStatus {
  id: string;
  status: ExportStatusName;
  progress: number;
  stage: string | null;
  /** Only while the zip can be downloaded (ready and not expired). */
  downloadUrl: string | null;
  /** For a ready export: when the link stops working. */
  expiresAt: Date;
  bytes: number | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

type ExportRow = typeof accountExports.$inferSelect;

export function exportDownloadPath(id: string): string {
  return `/api/v1/exports/${id}`;
}

function toStatus(ctx: AuthedContext, row: ExportRow): ExportStatus {
  const expired = row.status === "ready" && row.expiresAt.getTime() <= ctx.clock.now().getTime();
  const status: ExportStatusName = expired ? "expired" : row.status;
  return {
    id: row.id,
    status,
    progress: row.progress,
    stage: row.stage,
    downloadUrl: status === "ready" ? exportDownloadPath(row.id) : null,
    expiresAt: row.expiresAt,
    bytes: row.status === "ready" ? row.bytes : null,
    error: row.status === "failed" ? row.error : null,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

/**
 * Starts an export of the whole account: its row and its job commit together. While one is queued
 * or running, asking again answers that one instead of building a second copy.
 */
export async function requestAccountExport(ctx: AuthedContext): Promise<{ id: string }> {
  if (!ctx.jobs) throw new Error("Exporting an account needs the job queue in the context");
  return inTransaction(ctx, async (tx) => {
    const [busy] = await tx.db
      .select({ id: accountExports.id })
      .from(accountExports)
      .where(and(eq(accountExports.userId, ctx.userId), inArray(accountExports.status, ["queued", "running"])))
      .limit(1)
      .for("update");
    if (busy) return { id: busy.id };
    const now = ctx.clock.now();
    const [row] = await tx.db
      .insert(accountExports)
      // Until it is ready this bounds how long an unfinished export is kept (the retention job).
      .values({ userId: ctx.userId, createdAt: now, expiresAt: new Date(now.getTime() + EXPORT_LINK_TTL_MS) })
      .returning({ id: accountExports.id });
    await ctx.jobs!.send(tx.db, exportAccountJob, { userId: ctx.userId, exportId: row!.id }, { singletonKey: row!.id });
    return { id: row!.id };
  });
}

async function ownedExport(ctx: AuthedContext, id: string): Promise<ExportRow> {
  const [row] = await ctx.db
    .select()
    .from(accountExports)
    .where(and(eq(accountExports.userId, ctx.userId), eq(accountExports.id, id)));
  if (!row) throw new DomainError("NOT_FOUND", "Export not found", { field: "id" });
  return row;
}

export async function getExportStatus(ctx: AuthedContext, id: string): Promise<ExportStatus> {
  return toStatus(ctx, await ownedExport(ctx, id));
}

/** The owner's most recent export, for the Settings card after a reload; null when none is kept. */
export async function latestExportStatus(ctx: AuthedContext): Promise<ExportStatus | null> {
  const [row] = await ctx.db
    .select()
    .from(accountExports)
    .where(eq(accountExports.userId, ctx.userId))
    .orderBy(desc(accountExports.createdAt))
    .limit(1);
  return row ? toStatus(ctx, row) : null;
}

export type ExportDownload =
  | { kind: "ready"; bytes: number; filename: string; chunks: AsyncIterable<Buffer> }
  | { kind: "expired"; expiredAt: Date }
  | { kind: "not-ready"; status: ExportStatusName };

/** The finished zip as a stream of its chunks, for GET /api/v1/exports/<id>. Foreign ids: NOT_FOUND. */
export async function openExportDownload(ctx: AuthedContext, id: string): Promise<ExportDownload> {
  const row = await ownedExport(ctx, id);
  const status = toStatus(ctx, row);
  if (status.status === "expired") return { kind: "expired", expiredAt: row.expiresAt };
  if (status.status !== "ready" || row.bytes === null) return { kind: "not-ready", status: status.status };
  const day = (row.finishedAt ?? row.createdAt).toISOString().slice(0, 10);
  return {
    kind: "ready",
    bytes: row.bytes,
    filename: `crm-export-${day}.zip`,
    chunks: readChunks(ctx, { userId: ctx.userId, exportId: row.id }),
  };
}
