import { IMPORT_FIELD_LABELS, IMPORT_FIELDS, type ImportField, isImportField } from "@crm/shared";
import { ArrowRight } from "lucide-react";
import { useMemo, useState } from "react";
import { cn } from "../../lib/utils";
import { Select } from "../ui/select";
import { Th } from "../ui/table";
import type { ColumnMapping, PreviewRow } from "./shared";

export interface MappingTableProps {
  headers: readonly string[];
  rows: readonly PreviewRow[];
  mapping: ColumnMapping;
  onChange: (mapping: ColumnMapping) => void;
  disabled?: boolean;
}

/** Up to `max` different non-empty values of a column among the preview rows. */
function samples(rows: readonly PreviewRow[], column: number, max = 2): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const value = row.values[column]?.trim();
    if (value && !out.includes(value)) out.push(value);
    if (out.length >= max) break;
  }
  return out;
}

/**
 * Each column of the file with a few sample values and the client field it fills. A field comes
 * from one column: choosing it for a second column moves it there. Columns that are empty in the
 * preview rows and not imported (most of an Outlook export) are folded away.
 */
export function MappingTable({ headers, rows, mapping, onChange, disabled }: MappingTableProps) {
  const [showAll, setShowAll] = useState(false);
  const columns = useMemo(
    () => headers.map((header, index) => ({ header, index, samples: samples(rows, index) })),
    [headers, rows],
  );
  const hidden = columns.filter((c) => !mapping[c.index] && c.samples.length === 0);
  const shown = showAll ? columns : columns.filter((c) => mapping[c.index] || c.samples.length > 0);

  function choose(index: number, field: ImportField | null) {
    const next = mapping.map((current, i) => (i === index ? field : field && current === field ? null : current));
    onChange(next);
  }

  return (
    <div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">How the columns of the file become client fields</caption>
          <thead className="border-y border-zinc-200 bg-zinc-50/80 text-xs text-zinc-500">
            <tr>
              <Th className="pr-3 pl-4 sm:pr-4 sm:pl-6">Column in your file</Th>
              <Th className="hidden md:table-cell">Sample values</Th>
              <Th className="hidden w-8 sm:table-cell">
                <span className="sr-only">Becomes</span>
              </Th>
              <Th className="pr-4 pl-2 sm:pr-6 sm:pl-4">Import as</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {shown.map((column) => {
              const field = mapping[column.index] ?? null;
              return (
                <tr key={column.index} data-column={column.header} className={cn(!field && "bg-zinc-50/40")}>
                  <th
                    scope="row"
                    className="max-w-36 py-2.5 pr-3 pl-4 text-left font-medium text-zinc-900 sm:max-w-56 sm:pr-4 sm:pl-6"
                  >
                    <span className="block truncate" title={column.header}>
                      {column.header || <span className="text-zinc-500 italic">Column {column.index + 1}</span>}
                    </span>
                  </th>
                  <td className="hidden max-w-72 px-4 py-2.5 text-zinc-500 md:table-cell">
                    {column.samples.length ? (
                      <span className="block truncate" title={column.samples.join(", ")}>
                        {column.samples.join(", ")}
                      </span>
                    ) : (
                      <span className="text-zinc-300">empty</span>
                    )}
                  </td>
                  <td className="hidden py-2.5 text-center sm:table-cell" aria-hidden="true">
                    <ArrowRight className={cn("inline size-4", field ? "text-indigo-500" : "text-zinc-300")} />
                  </td>
                  <td className="w-44 py-2 pr-4 pl-2 sm:w-56 sm:pr-6 sm:pl-4">
                    <Select
                      aria-label={`Import “${column.header || `Column ${column.index + 1}`}” as`}
                      value={field ?? ""}
                      disabled={disabled}
                      className={cn(!field && "[&_select]:text-zinc-500")}
                      onChange={(e) => choose(column.index, isImportField(e.target.value) ? e.target.value : null)}
                    >
                      <option value="">Don't import</option>
                      {IMPORT_FIELDS.map((f) => (
                        <option key={f} value={f}>
                          {IMPORT_FIELD_LABELS[f]}
                        </option>
                      ))}
                    </Select>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {hidden.length > 0 ? (
        <div className="border-t border-zinc-100 px-6 py-3">
          <button
            type="button"
            onClick={() => setShowAll((v) => !v)}
            className="rounded-md text-sm font-medium text-indigo-600 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            aria-expanded={showAll}
          >
            {showAll
              ? "Hide the empty columns"
              : `Show ${hidden.length} more ${hidden.length === 1 ? "column" : "columns"} with no data in the first rows`}
          </button>
        </div>
      ) : null}
    </div>
  );
}
