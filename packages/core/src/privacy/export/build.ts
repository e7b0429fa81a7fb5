import type { CoreContext } from "../../context";
import { CSV_BOM, csvLine } from "./csv";
import { countRows, EXPORT_KINDS, type ExportKind, readRows } from "./kinds";
import { type ByteSink, ZipWriter } from "./zip";

export interface ExportProgress {
  /** The kind of record being written ("clients", "notes"…). */
  stage: string;
  /** 0..99 while writing; the caller says 100 when the zip is stored. */
  progress: number;
}

export interface BuildOptions {
  ownerId: string;
  sink: ByteSink;
  onProgress?: (progress: ExportProgress) => void | Promise<void>;
  /** Rows per query (tests make it small to cross batch boundaries). */
  batchSize?: number;
}

function readme(at: Date): string {
  const lines = [
    "Your CRM data",
    `Exported ${at.toISOString()}.`,
    "",
    "Each kind of record is here twice: as JSON (exact values, for another program) and as CSV",
    "(UTF-8, opens in a spreadsheet). Times are ISO 8601 in UTC. In the CSV files, lists are joined",
    "with '; ', nested values are JSON, and a cell that would start with = + - or @ is prefixed with",
    "an apostrophe so that a spreadsheet shows it as text instead of running it as a formula.",
    "",
    ...EXPORT_KINDS.map((k) => `${k.name}.json / ${k.name}.csv: ${k.about}`),
    "",
  ];
  return lines.join("\r\n");
}

/**
 * Writes the whole account as one zip into the sink: a README, then for each kind its JSON file and
 * its CSV file, each read from the database in keyset batches and deflated as it goes, so memory
 * stays flat whatever the size of the account. Sealed text is opened with ctx.dataKeys.
 */
export async function writeAccountExport(ctx: CoreContext, options: BuildOptions): Promise<{ bytes: number }> {
  const { ownerId, sink, onProgress, batchSize } = options;
  const at = ctx.clock.now();
  const counts = new Map<ExportKind, number>();
  for (const kind of EXPORT_KINDS) counts.set(kind, await countRows(ctx, kind, ownerId));
  // Every row is written twice (JSON, CSV); a small weight per file keeps empty kinds moving the bar.
  const total = [...counts.values()].reduce((sum, n) => sum + 2 * n + 2, 0);
  let done = 0;
  let reported = -1;
  const report = async (stage: string) => {
    const progress = Math.min(99, Math.floor((done / total) * 100));
    if (progress === reported) return;
    reported = progress;
    await onProgress?.({ stage, progress });
  };

  const zip = new ZipWriter(sink, at);
  const about = await zip.entry("README.txt");
  await about.write(readme(at));
  await about.close();

  for (const kind of EXPORT_KINDS) {
    await onProgress?.({ stage: kind.name, progress: Math.max(0, reported) });
    const json = await zip.entry(`${kind.name}.json`);
    let first = true;
    if (!kind.single) await json.write("[");
    for await (const batch of readRows(ctx, kind, ownerId, batchSize)) {
      for (const row of batch) {
        if (kind.single) await json.write(`${JSON.stringify(row, null, 2)}\n`);
        else await json.write(`${first ? "\n" : ",\n"}${JSON.stringify(row)}`);
        first = false;
      }
      done += batch.length;
      await report(kind.name);
    }
    if (!kind.single) await json.write(first ? "]\n" : "\n]\n");
    await json.close();
    done += 1;

    const csv = await zip.entry(`${kind.name}.csv`);
    const headers = Object.keys(kind.columns);
    await csv.write(CSV_BOM + csvLine(headers));
    for await (const batch of readRows(ctx, kind, ownerId, batchSize)) {
      let text = "";
      for (const row of batch) text += csvLine(headers.map((h) => row[h]));
      await csv.write(text);
      done += batch.length;
      await report(kind.name);
    }
    await csv.close();
    done += 1;
  }
  return zip.finish();
}
