import { CircleAlert, CircleCheck, Copy } from "lucide-react";
import { cn } from "../../lib/utils";
import { type ColumnMapping, IMPORT_FIELD_LABELS, IMPORT_FIELDS, type PreviewRow } from "./shared";

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

  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">The first rows of the file as they would be imported</caption>
        <thead className="border-y border-zinc-200 bg-zinc-50/80 text-xs text-zinc-500">
          <tr>
            <th scope="col" className="py-2.5 pr-3 pl-6 text-right font-medium">
              Line
            </th>
            {columns.map((c) => (
              <th key={c.field} scope="col" className="px-3 py-2.5 text-left font-medium whitespace-nowrap">
                {IMPORT_FIELD_LABELS[c.field]}
              </th>
            ))}
            <th scope="col" className="min-w-64 py-2.5 pr-6 pl-3 text-left font-medium">
              Result
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.map((row) => {
            const invalid = row.problems.length > 0;
            const duplicate = !invalid && row.duplicateOfLine !== null;
            const existing = !invalid && !duplicate && existingLines.has(row.line);
            return (
              <tr
                key={row.line}
                data-line={row.line}
                data-invalid={invalid || undefined}
                className={cn(invalid && "bg-red-50/70", duplicate && "bg-amber-50/60")}
              >
                <td className="py-2.5 pr-3 pl-6 text-right text-zinc-400 tabular-nums">{row.line}</td>
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
                <td className="py-2.5 pr-6 pl-3 align-top">
                  {invalid ? (
                    <ul className="space-y-0.5 text-red-700">
                      {row.problems.map((problem) => (
                        <li key={problem} className="flex gap-1.5">
                          <CircleAlert className="mt-0.5 size-3.5 shrink-0 text-red-500" aria-hidden="true" />
                          <span>{problem}</span>
                        </li>
                      ))}
                    </ul>
                  ) : duplicate ? (
                    <span className="flex gap-1.5 text-amber-800">
                      <Copy className="mt-0.5 size-3.5 shrink-0 text-amber-500" aria-hidden="true" />
                      Same email as line {row.duplicateOfLine}: skipped
                    </span>
                  ) : existing ? (
                    <span className="flex gap-1.5 text-indigo-800">
                      <Copy className="mt-0.5 size-3.5 shrink-0 text-indigo-500" aria-hidden="true" />
                      Matches a client you have
                    </span>
                  ) : (
                    <span className="flex gap-1.5 text-emerald-700">
                      <CircleCheck className="mt-0.5 size-3.5 shrink-0 text-emerald-500" aria-hidden="true" />
                      Ready
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
