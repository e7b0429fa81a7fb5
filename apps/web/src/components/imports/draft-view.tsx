import { keepPreviousData } from "@tanstack/react-query";
import { FileSpreadsheet, TriangleAlert } from "lucide-react";
import { useMemo, useState } from "react";
import { errorDetails, errorField, userMessage } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { cn } from "../../lib/utils";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Spinner } from "../ui/spinner";
import { Duplicates } from "./duplicates";
import { MappingTable } from "./mapping-table";
import { PreviewTable } from "./preview-table";
import {
  type ColumnMapping,
  columnMapping,
  type Decision,
  type DuplicatePolicy,
  type ImportDraft,
  type ImportStatus,
  mappingInput,
  REST_DECISION,
} from "./shared";

const DELIMITERS: Record<string, string> = {
  ",": "comma-separated",
  ";": "semicolon-separated",
  "\t": "tab-separated",
  "|": "pipe-separated",
};

const ENCODINGS: Record<string, string> = {
  "utf-8": "UTF-8",
  "windows-1252": "Latin-1 (Windows-1252)",
  "utf-16le": "UTF-16",
  "utf-16be": "UTF-16",
};

export interface DraftViewProps {
  draft: ImportDraft;
  onStarted: (status: ImportStatus) => void;
  onChooseAnother: () => void;
}

/** An uploaded file before it is imported: warnings, column mapping, preview, duplicates, Start. */
export function DraftView({ draft, onStarted, onChooseAnother }: DraftViewProps) {
  const initial = useMemo(() => columnMapping(draft.headers, draft.mapping), [draft.headers, draft.mapping]);
  const [mapping, setMapping] = useState<ColumnMapping>(initial);
  const [policy, setPolicy] = useState<DuplicatePolicy>("skip");
  const [decisions, setDecisions] = useState<Record<string, Decision>>({});
  const [startError, setStartError] = useState<string | null>(null);
  const changed = mapping.some((field, i) => field !== initial[i]);

  const live = trpc.imports.preview.useQuery(
    { id: draft.id, mapping: mappingInput(mapping) },
    { enabled: changed, placeholderData: keepPreviousData, staleTime: 60_000 },
  );
  const current: ImportDraft = changed ? (live.data ?? draft) : draft;
  const { preview } = current;
  const refreshing = changed && live.isFetching;
  const existingLines = useMemo(
    () => new Set(current.existingDuplicates.map((d) => d.line)),
    [current.existingDuplicates],
  );

  const utils = trpc.useUtils();
  const start = trpc.imports.start.useMutation({
    onSuccess: (status) => {
      utils.imports.get.setData({ id: status.id }, status);
      void utils.imports.list.invalidate();
      onStarted(status);
    },
    onError: (error) => {
      const lines = errorDetails(error)?.lines;
      setStartError(
        errorField(error) === "decisions" && Array.isArray(lines)
          ? `${userMessage(error)}. Choose Skip or Update for each row under “Clients you already have”.`
          : userMessage(error),
      );
    },
  });

  const duplicateCount = current.existingDuplicateCount;
  const hiddenProblems = preview.counts.invalid - preview.rows.filter((r) => r.problems.length > 0).length;
  const unlisted = duplicateCount - current.existingDuplicates.length;
  const undecided =
    policy === "ask"
      ? current.existingDuplicates.filter((d) => !decisions[String(d.line)]).length +
        (unlisted > 0 && !decisions[REST_DECISION] ? unlisted : 0)
      : 0;
  const usable = Math.max(0, preview.counts.valid - preview.counts.duplicates);
  const fresh = Math.max(0, usable - duplicateCount);
  const blocked = Boolean(preview.mappingError) || undecided > 0 || usable === 0 || (changed && live.isError);

  function submit() {
    setStartError(null);
    const chosen =
      policy === "ask"
        ? Object.fromEntries(
            current.existingDuplicates.flatMap((d) => {
              const decision = decisions[String(d.line)];
              return decision ? [[String(d.line), decision]] : [];
            }),
          )
        : undefined;
    const rest = decisions[REST_DECISION];
    if (chosen && unlisted > 0 && rest) chosen[REST_DECISION] = rest;
    start.mutate({
      id: draft.id,
      mapping: mappingInput(mapping),
      duplicatePolicy: policy,
      ...(chosen ? { decisions: chosen } : {}),
    });
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardContent className="flex flex-col gap-4 sm:flex-row sm:items-center">
          <div className="flex size-11 shrink-0 items-center justify-center rounded-xl bg-indigo-50 ring-1 ring-indigo-100">
            <FileSpreadsheet className="size-5 text-indigo-600" aria-hidden="true" />
          </div>
          <div className="min-w-0 flex-1">
            <p className="truncate font-medium text-zinc-900" title={draft.filename}>
              {draft.filename}
            </p>
            <p className="text-sm text-zinc-500">
              {preview.counts.rows.toLocaleString()} {preview.counts.rows === 1 ? "row" : "rows"} ·{" "}
              {draft.headers.length} columns · {DELIMITERS[draft.delimiter] ?? "delimited"} ·{" "}
              {ENCODINGS[draft.encoding] ?? draft.encoding}
            </p>
          </div>
          <Button variant="secondary" onClick={onChooseAnother} disabled={start.isPending}>
            Choose another file
          </Button>
        </CardContent>
      </Card>

      {draft.warnings.map((warning) => (
        <Alert
          key={warning}
          variant="info"
          className="border-amber-200 bg-amber-50 text-amber-900 [&>svg]:text-amber-500"
          title="Check the preview"
        >
          {warning}
        </Alert>
      ))}

      <Card>
        <CardHeader>
          <CardTitle>Match the columns</CardTitle>
          <CardDescription>
            Choose the client field each column fills. Each field comes from one column: choosing it again moves it.
          </CardDescription>
        </CardHeader>
        <CardContent className="px-0 pb-0">
          {preview.mappingError ? (
            <div className="px-6 pb-4">
              <Alert variant="error">{preview.mappingError}</Alert>
            </div>
          ) : null}
          <MappingTable
            headers={draft.headers}
            rows={draft.preview.rows}
            mapping={mapping}
            onChange={setMapping}
            disabled={start.isPending}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader className="space-y-3">
          <div className="space-y-1">
            <CardTitle className="flex items-center gap-2">
              Preview
              {refreshing ? <Spinner size="sm" label="Updating the preview" /> : null}
            </CardTitle>
            <CardDescription>
              {preview.rows.length < preview.counts.rows
                ? `The first ${preview.rows.length} of ${preview.counts.rows.toLocaleString()} rows.`
                : `All ${preview.counts.rows.toLocaleString()} rows.`}{" "}
              Rows with problems are not imported; you can download them afterwards.
            </CardDescription>
          </div>
          <ul className="flex flex-wrap gap-2 text-xs font-medium" aria-label="Counts for the whole file">
            <Count tone="green" label={fresh === 1 ? "new client" : "new clients"} value={fresh} />
            <Count
              tone="indigo"
              label={duplicateCount === 1 ? "existing client" : "existing clients"}
              value={duplicateCount}
            />
            <Count tone="red" label="with problems" value={preview.counts.invalid} />
            <Count tone="amber" label="repeated in the file" value={preview.counts.duplicates} />
          </ul>
        </CardHeader>
        <CardContent className={cn("px-0 pb-0 transition-opacity", refreshing && "opacity-60")}>
          {changed && live.isError ? (
            <div className="px-6 pb-4">
              <Alert variant="error" title="Could not update the preview">
                {userMessage(live.error)}
              </Alert>
            </div>
          ) : null}
          <PreviewTable headers={current.headers} rows={preview.rows} mapping={mapping} existingLines={existingLines} />
          {hiddenProblems > 0 ? (
            <p className="border-t border-zinc-100 px-6 py-3 text-sm text-zinc-500">
              {hiddenProblems === 1
                ? "1 more row with problems is further down the file."
                : `${hiddenProblems.toLocaleString()} more rows with problems are further down the file.`}{" "}
              They are listed when the import ends, and you can download them to fix.
            </p>
          ) : null}
        </CardContent>
      </Card>

      {duplicateCount > 0 ? (
        <Card>
          <CardHeader>
            <CardTitle>Clients you already have</CardTitle>
            <CardDescription>
              {duplicateCount === 1
                ? "1 row has the email of a client you already have."
                : `${duplicateCount.toLocaleString()} rows have the email of a client you already have.`}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <Duplicates
              duplicates={current.existingDuplicates}
              total={duplicateCount}
              policy={policy}
              onPolicyChange={setPolicy}
              decisions={decisions}
              onDecisionsChange={setDecisions}
              disabled={start.isPending}
            />
          </CardContent>
        </Card>
      ) : null}

      <Card>
        <CardContent className="space-y-3">
          {startError ? <Alert variant="error">{startError}</Alert> : null}
          <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
            <p className="text-sm text-zinc-500">
              {preview.mappingError ? (
                <span className="inline-flex items-center gap-1.5 text-red-700">
                  <TriangleAlert className="size-4" aria-hidden="true" />
                  Fix the column matching first.
                </span>
              ) : undecided > 0 ? (
                `Choose Skip or Update for ${undecided} more ${undecided === 1 ? "row" : "rows"}.`
              ) : usable === 0 ? (
                "No row can be imported as the columns are matched."
              ) : (
                "The import runs in the background: you can leave this page and come back."
              )}
            </p>
            <Button onClick={submit} loading={start.isPending} disabled={blocked || refreshing}>
              {start.isPending ? "Starting…" : "Start import"}
            </Button>
          </div>
        </CardContent>
      </Card>
    </div>
  );
}

const countTones = {
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  indigo: "bg-indigo-50 text-indigo-700 ring-indigo-200",
} as const;

function Count({ tone, label, value }: { tone: keyof typeof countTones; label: string; value: number }) {
  if (value === 0 && tone !== "green") return null;
  return (
    <li className={cn("rounded-full px-2.5 py-1 ring-1 ring-inset", countTones[tone])}>
      <span className="tabular-nums">{value.toLocaleString()}</span> {label}
    </li>
  );
}
