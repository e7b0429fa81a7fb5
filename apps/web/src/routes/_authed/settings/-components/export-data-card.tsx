import { Download } from "lucide-react";
import { useState } from "react";
import { Alert } from "../../../../components/ui/alert";
import { Button } from "../../../../components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../../../../components/ui/card";
import { useCurrentUser } from "../../../../lib/auth";
import { userMessage } from "../../../../lib/errors";
import { formatDateTime } from "../../../../lib/format";
import { trpc } from "../../../../lib/trpc";

/** While the job builds the zip the card asks for its progress this often. */
const POLL_MS = 1000;

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const STAGE_LABELS: Record<string, string> = {
  profile: "your profile",
  clients: "clients",
  notes: "notes",
  "pipeline-stages": "pipeline stages",
  bookings: "bookings",
  activity: "the activity log",
  emails: "sent emails",
  "account-emails": "account emails",
  imports: "imports",
  "google-connection": "the Google connection",
};

/**
 * Settings → "Export your data" (privacy.exportAccount): starts the export, follows its progress,
 * then offers the zip for as long as its link works. What it shows is what the server reports:
 * queued, running (with the kind being written), ready, failed with its reason, or expired.
 */
export function ExportDataCard() {
  const user = useCurrentUser();
  const utils = trpc.useUtils();
  const latest = trpc.privacy.latestExport.useQuery();
  const [requestedId, setRequestedId] = useState<string | null>(null);
  const id = requestedId ?? latest.data?.id ?? null;
  const status = trpc.privacy.exportStatus.useQuery(
    { id: id ?? "" },
    {
      enabled: id !== null,
      refetchInterval: (query) => {
        const s = query.state.data?.status;
        return s === "queued" || s === "running" ? POLL_MS : false;
      },
    },
  );
  const start = trpc.privacy.exportAccount.useMutation({
    onSuccess: ({ id: started }) => {
      setRequestedId(started);
      void utils.privacy.exportStatus.invalidate({ id: started });
      void utils.privacy.latestExport.invalidate();
    },
  });

  if (!user) return null;
  const current = status.data ?? null;
  // The link stops working at expiresAt even if the page has been open since it was ready.
  const expired = current?.status === "expired" || (current?.status === "ready" && current.expiresAt <= new Date());
  const busy = current?.status === "queued" || current?.status === "running";
  const loading = latest.isPending || (id !== null && status.isPending);

  return (
    <Card>
      <CardHeader>
        <CardTitle id="export-data-heading">Export your data</CardTitle>
        <CardDescription>
          One zip with everything your account holds: profile, clients, notes, pipeline, bookings, activity, sent
          emails, imports and your Google connection (without its keys), each as JSON and as a spreadsheet-ready CSV.
          The download link works for 24 hours, only while you are signed in.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4" aria-live="polite">
        {start.error ? <Alert variant="error">{userMessage(start.error)}</Alert> : null}
        {status.error && !start.error ? <Alert variant="error">{userMessage(status.error)}</Alert> : null}
        {loading ? (
          <p className="text-sm text-zinc-500">Checking for an earlier export…</p>
        ) : !current ? (
          <p className="text-sm text-zinc-500">No export yet.</p>
        ) : busy ? (
          <div className="space-y-2">
            <p className="text-sm font-medium text-zinc-900">
              {current.status === "queued"
                ? "Waiting for the server's background worker to start your export…"
                : `Writing ${STAGE_LABELS[current.stage ?? ""] ?? "your data"}… ${current.progress}%`}
            </p>
            <div
              className="h-2 overflow-hidden rounded-full bg-zinc-100"
              role="progressbar"
              aria-label="Export progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={current.progress}
            >
              <div
                className="h-full rounded-full bg-indigo-600 transition-[width] duration-500"
                style={{ width: `${Math.max(4, current.progress)}%` }}
              />
            </div>
            <p className="text-xs text-zinc-500">You can leave this page; the export carries on and shows up here.</p>
          </div>
        ) : current.status === "failed" ? (
          <Alert variant="error" title="The export failed">
            {current.error ?? "The server stopped the export."}
          </Alert>
        ) : expired ? (
          <Alert variant="info" title="Your last export has expired">
            Its link worked until {formatDateTime(current.expiresAt, user.timeZone)}, and the file has been deleted
            since. Start a new export to download your data.
          </Alert>
        ) : current.downloadUrl && current.bytes !== null ? (
          <div className="flex flex-col gap-2 rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
            <p className="text-sm text-emerald-900">
              Ready {current.finishedAt ? `since ${formatDateTime(current.finishedAt, user.timeZone)}` : ""}. The link
              works until {formatDateTime(current.expiresAt, user.timeZone)}.
            </p>
            <Button asChild size="sm">
              <a href={current.downloadUrl} download>
                <Download className="size-4" aria-hidden="true" />
                Download (zip, {size(current.bytes)})
              </a>
            </Button>
          </div>
        ) : null}
      </CardContent>
      <CardFooter>
        <Button
          variant={current?.status === "ready" && !expired ? "secondary" : "primary"}
          loading={start.isPending}
          disabled={busy || loading}
          onClick={() => start.mutate()}
        >
          {busy
            ? "Export in progress"
            : current?.status === "failed"
              ? "Try again"
              : current?.status === "ready" && !expired
                ? "Export again"
                : "Export all your data"}
        </Button>
      </CardFooter>
    </Card>
  );
}
