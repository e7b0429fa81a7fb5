import { Link } from "@tanstack/react-router";
import { CircleCheck, CircleSlash, Download, FilePlus2, FileSpreadsheet, UsersRound } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { downloadText } from "../../lib/download";
import { userMessage } from "../../lib/errors";
import { formatFull, formatShort, useUserTimeZone } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { cn } from "../../lib/utils";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../ui/card";
import { Dialog, DialogClose, DialogContent } from "../ui/dialog";
import { Th } from "../ui/table";
import { useToast } from "../ui/toast";
import { type ImportStatus, isActive } from "./shared";

export interface ImportRunProps {
  status: ImportStatus;
  onImportAnother: () => void;
}

/** A started import: live progress with Cancel, then the outcome. */
export function ImportRun({ status, onImportAnother }: ImportRunProps) {
  const utils = trpc.useUtils();
  const previous = useRef(status.status);
  // Once the import lands, every list of clients is out of date.
  useEffect(() => {
    if (previous.current !== status.status && status.status === "completed") {
      void utils.clients.invalidate();
      void utils.pipeline.invalidate();
    }
    if (previous.current !== status.status) void utils.imports.list.invalidate();
    previous.current = status.status;
  }, [status.status, utils]);

  return (
    <div className="space-y-6">
      <FileLine status={status} />
      {isActive(status.status) ? (
        <Progress status={status} />
      ) : status.status === "completed" ? (
        <Summary status={status} onImportAnother={onImportAnother} />
      ) : (
        <Stopped status={status} onImportAnother={onImportAnother} />
      )}
    </div>
  );
}

function FileLine({ status }: { status: ImportStatus }) {
  const zone = useUserTimeZone();
  const when = status.finishedAt ?? status.startedAt ?? status.createdAt;
  const verb = status.finishedAt ? "Finished" : status.startedAt ? "Started" : "Uploaded";
  return (
    <div className="flex items-center gap-3 text-sm text-zinc-500">
      <FileSpreadsheet className="size-4 shrink-0 text-zinc-500" aria-hidden="true" />
      <span className="min-w-0 truncate font-medium text-zinc-700" title={status.filename}>
        {status.filename}
      </span>
      <span aria-hidden="true">·</span>
      <span className="shrink-0">
        {status.totalRows.toLocaleString()} {status.totalRows === 1 ? "row" : "rows"}
      </span>
      <span aria-hidden="true">·</span>
      <time className="shrink-0" dateTime={when.toISOString()} title={formatFull(when, zone)}>
        {verb} {formatShort(when, zone)}
      </time>
    </div>
  );
}

function Progress({ status }: { status: ImportStatus }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const utils = trpc.useUtils();
  const cancel = trpc.imports.cancel.useMutation({
    onSuccess: (next) => {
      utils.imports.get.setData({ id: next.id }, next);
      setConfirming(false);
    },
    onError: (e) => {
      setConfirming(false);
      setError(userMessage(e));
    },
  });
  const total = status.totalRows;
  const done = Math.min(status.processedRows, total);
  const fraction = total > 0 ? done / total : 0;
  const cancelling = status.cancelRequested;
  const running = status.status === "running";

  const title = cancelling
    ? "Cancelling… undoing the rows imported so far"
    : running
      ? `Importing ${done.toLocaleString()} of ${total.toLocaleString()}…`
      : "Waiting to start…";

  return (
    <Card>
      <CardHeader>
        <CardTitle aria-live="polite">{title}</CardTitle>
        <CardDescription>
          The import keeps running if you leave this page; come back here or open it from Recent imports.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {error ? <Alert variant="error">{error}</Alert> : null}
        <div
          role="progressbar"
          aria-label="Import progress"
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={done}
          aria-valuetext={`${done} of ${total} rows`}
          className="h-3 overflow-hidden rounded-full bg-zinc-100 ring-1 ring-zinc-200/70 ring-inset"
        >
          <div
            className={cn(
              "h-full rounded-full transition-[width] duration-500 ease-out",
              cancelling ? "bg-amber-500" : "bg-indigo-600",
              !running && "animate-pulse",
            )}
            style={{ width: `${Math.max(running ? 2 : 6, fraction * 100)}%` }}
          />
        </div>
        <p className="flex justify-between text-sm text-zinc-500 tabular-nums">
          <span>{Math.round(fraction * 100)}%</span>
          <span>
            {(total - done).toLocaleString()} {total - done === 1 ? "row" : "rows"} to go
          </span>
        </p>
      </CardContent>
      <CardFooter className="justify-between">
        <p className="text-sm text-zinc-500">Cancelling undoes everything: no client from this file is kept.</p>
        <Button
          variant="secondary"
          onClick={() => setConfirming(true)}
          disabled={cancelling}
          className="text-red-700 hover:text-red-800"
        >
          {cancelling ? "Cancelling…" : "Cancel import"}
        </Button>
      </CardFooter>
      <Dialog open={confirming} onOpenChange={setConfirming}>
        <DialogContent
          size="sm"
          title="Cancel this import?"
          description="Everything this import has done is undone: no client from the file is added or changed, including the rows already processed."
          footer={
            <>
              <DialogClose asChild>
                <Button variant="secondary">Keep importing</Button>
              </DialogClose>
              <Button variant="danger" loading={cancel.isPending} onClick={() => cancel.mutate({ id: status.id })}>
                Cancel import
              </Button>
            </>
          }
        />
      </Dialog>
    </Card>
  );
}

function Summary({ status, onImportAnother }: { status: ImportStatus; onImportAnother: () => void }) {
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const [downloading, setDownloading] = useState(false);
  const notImported = status.failures.length;
  // The API lists the first 100; the download has them all.
  const capped = notImported >= 100;

  async function download() {
    setDownloading(true);
    try {
      const file = await utils.imports.failedRows.fetch({ id: status.id }, { staleTime: 0 });
      downloadText(file.filename, file.content, "text/csv;charset=utf-8");
    } catch (error) {
      toast({ title: "Could not download the rows", description: userMessage(error), variant: "error" });
    } finally {
      setDownloading(false);
    }
  }

  return (
    <>
      <Card>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <CircleCheck className="size-5 text-emerald-500" aria-hidden="true" />
            Import finished
          </CardTitle>
          <CardDescription>
            {status.created + status.updated === 0
              ? "No client was added or changed."
              : `${(status.created + status.updated).toLocaleString()} ${status.created + status.updated === 1 ? "client is" : "clients are"} in your list now.`}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Import summary">
            <Stat label="Created" value={status.created} tone="green" />
            <Stat label="Updated" value={status.updated} tone="indigo" />
            <Stat label="Skipped" value={status.skipped} tone="neutral" />
            <Stat label="Failed" value={status.failed} tone="red" />
          </dl>
        </CardContent>
        <CardFooter className="flex-wrap justify-between">
          <Button variant="ghost" onClick={onImportAnother}>
            <FilePlus2 className="size-4" aria-hidden="true" />
            Import another file
          </Button>
          <Button asChild>
            <Link to="/clients">
              <UsersRound className="size-4" aria-hidden="true" />
              View clients
            </Link>
          </Button>
        </CardFooter>
      </Card>

      {notImported > 0 ? (
        <Card>
          <CardHeader className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between sm:space-y-0">
            <div className="space-y-1">
              <CardTitle>Rows not imported</CardTitle>
              <CardDescription>
                Download them with a Problem column, fix them in your spreadsheet, and import that file.
                {capped ? ` The first ${notImported} are listed here; the download has them all.` : null}
              </CardDescription>
            </div>
            <Button variant="secondary" onClick={download} loading={downloading}>
              {downloading ? null : <Download className="size-4" aria-hidden="true" />}
              Download these rows
            </Button>
          </CardHeader>
          <CardContent className="px-0 pb-0">
            <div className="max-h-96 overflow-y-auto">
              <table className="w-full text-sm">
                <caption className="sr-only">Rows that were not imported, and why</caption>
                <thead className="sticky top-0 border-y border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
                  <tr>
                    <Th className="w-20 pr-3 pl-6 text-right">Line</Th>
                    <Th className="pr-6 pl-3">Problem</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {status.failures.map((f) => (
                    <tr key={f.line} data-line={f.line}>
                      <td className="py-2.5 pr-3 pl-6 text-right align-top text-zinc-500 tabular-nums">{f.line}</td>
                      <td
                        className={cn(
                          "py-2.5 pr-6 pl-3",
                          f.reason.startsWith("Skipped") ? "text-amber-800" : "text-red-700",
                        )}
                      >
                        {f.reason}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}

const statTones = {
  green: "text-emerald-700",
  indigo: "text-indigo-700",
  neutral: "text-zinc-700",
  red: "text-red-700",
} as const;

function Stat({ label, value, tone }: { label: string; value: number; tone: keyof typeof statTones }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-zinc-50/60 px-4 py-3" data-stat={label}>
      <dt className="text-sm text-zinc-500">{label}</dt>
      <dd className={cn("mt-0.5 text-2xl font-semibold tabular-nums", value > 0 ? statTones[tone] : "text-zinc-500")}>
        {value.toLocaleString()}
      </dd>
    </div>
  );
}

function Stopped({ status, onImportAnother }: { status: ImportStatus; onImportAnother: () => void }) {
  const failed = status.status === "failed";
  return (
    <Card>
      <CardContent className="space-y-4">
        {failed ? (
          <Alert variant="error" title="The import stopped. Nothing was imported.">
            {status.error ?? "An unexpected error stopped the import. Check the file and try again."}
          </Alert>
        ) : (
          <div className="flex gap-3">
            <CircleSlash className="mt-0.5 size-5 shrink-0 text-zinc-500" aria-hidden="true" />
            <div>
              <p className="font-medium text-zinc-900">Import cancelled</p>
              <p className="mt-0.5 text-sm text-zinc-500">
                Nothing was imported: no client from this file was added or changed.
              </p>
            </div>
          </div>
        )}
      </CardContent>
      <CardFooter>
        <Button onClick={onImportAnother}>
          <FilePlus2 className="size-4" aria-hidden="true" />
          {failed ? "Upload the file again" : "Import a file"}
        </Button>
      </CardFooter>
    </Card>
  );
}
