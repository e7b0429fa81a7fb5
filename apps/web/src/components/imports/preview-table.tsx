import { IMPORT_FIELD_LABELS, IMPORT_FIELDS } from "@crm/shared";
import { CircleAlert, CircleCheck, Copy } from "lucide-react";
import { cn } from "../../lib/utils";
import { Th } from "../ui/table";
import type { ColumnMapping, PreviewRow } from "./shared";

export interface PreviewTableProps {
  headers: readonly string[];
  rows: readonly PreviewRow[];
  mapping: ColumnMapping;
  /** Lines whose email belongs to a client you already have. */
  existingLines: ReadonlySet<number>;
}

/** The first rows of the file as they would be imported, with each row's problems next to it. */
export function PreviewTable({ headers, rows, mapping, existingLines }: PreviewTableProps) {
  const columns = IMPORT_FIELDS.flatMap((field) => {
    const index = mapping.indexOf(field);
    return index === -1 ? [] : [{ field, index, header: headers[index] ?? "" }];
  });
  const width = columns.length + 2;

  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">The first rows of the file as they would be imported</caption>
        <thead className="border-y border-zinc-200 bg-zinc-50/80 text-xs text-zinc-500">
          <tr>
            <Th className="w-14 pr-3 pl-6 text-right">Line</Th>
            <Th className="w-28 px-3">Result</Th>
            {columns.map((c) => (
              <th key={c.field} scope="col" className="px-3 py-2.5 text-left font-medium whitespace-nowrap">
                {IMPORT_FIELD_LABELS[c.field]}
              </th>
            ))}
          </tr>
        </thead>
        {rows.map((row) => {
          const invalid = row.problems.length > 0;
          const duplicate = !invalid && row.duplicateOfLine !== null;
          const existing = !invalid && !duplicate && existingLines.has(row.line);
          return (
            <tbody
              key={row.line}
              data-line={row.line}
              data-invalid={invalid || undefined}
              className={cn(
                "border-b border-zinc-100 last:border-b-0",
                invalid && "bg-red-50/70",
                duplicate && "bg-amber-50/60",
              )}
            >
              <tr>
                <td className="py-2.5 pr-3 pl-6 text-right text-zinc-500 tabular-nums">{row.line}</td>
                <td className="px-3 py-2.5 whitespace-nowrap">
                  {invalid ? (
                    <span className="inline-flex items-center gap-1.5 font-medium text-red-700">
                      <CircleAlert className="size-3.5 text-red-500" aria-hidden="true" />
                      Not imported
                    </span>
                  ) : duplicate ? (
                    <span className="inline-flex items-center gap-1.5 font-medium text-amber-800">
                      <Copy className="size-3.5 text-amber-500" aria-hidden="true" />
                      Repeated
                    </span>
                  ) : existing ? (
                    <span className="inline-flex items-center gap-1.5 font-medium text-indigo-700">
                      <Copy className="size-3.5 text-indigo-500" aria-hidden="true" />
                      Existing
                    </span>
                  ) : (
                    <span className="inline-flex items-center gap-1.5 text-emerald-700">
                      <CircleCheck className="size-3.5 text-emerald-500" aria-hidden="true" />
                      Ready
                    </span>
                  )}
                </td>
                {columns.map((c) => {
                  const value = row.values[c.index]?.trim() ?? "";
                  return (
                    <td key={c.field} className="max-w-52 px-3 py-2.5 text-zinc-800">
                      {value ? (
                        <span className="block truncate" title={value}>
                          {value}
                        </span>
                      ) : (
                        <span className="text-zinc-300">—</span>
                      )}
                    </td>
                  );
                })}
              </tr>
              {invalid || duplicate ? (
                <tr>
                  <td />
                  <td colSpan={width - 1} className="px-3 pb-2.5 text-sm">
                    {invalid ? (
                      <ul className="sticky left-3 max-w-[calc(100vw-7rem)] space-y-0.5 text-red-700 sm:max-w-none">
                        {row.problems.map((problem) => (
                          <li key={problem}>{problem}</li>
                        ))}
                      </ul>
                    ) : (
                      <p className="sticky left-3 max-w-[calc(100vw-7rem)] text-amber-800 sm:max-w-none">
                        Same email as line {row.duplicateOfLine}: this row is skipped.
                      </p>
                    )}
                  </td>
                </tr>
              ) : null}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}
