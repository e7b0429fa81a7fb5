import { CircleCheck, RotateCw } from "lucide-react";
import { userMessage } from "../../lib/errors";
import { formatFull, formatWhen, useUserTimeZone } from "../../lib/time";
import { type RouterOutputs, trpc } from "../../lib/trpc";
import { cn } from "../../lib/utils";
import { QueryError } from "../query-state";
import { Button } from "../ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Skeleton } from "../ui/skeleton";
import { useToast } from "../ui/toast";

type FailedJob = RouterOutputs["jobs"]["failed"][number];

const QUEUE_LABELS: Record<string, string> = {
  "reminders.send": "Reminder email",
  "imports.run": "Import",
  "calendar.sync": "Google Calendar sync",
  "accounts.verify-email": "Email confirmation link",
  "accounts.change-email": "New email confirmation link",
};

function queueLabel(queue: string): string {
  if (QUEUE_LABELS[queue]) return QUEUE_LABELS[queue];
  const [area = queue, verb] = queue.split(".");
  const words = `${area}${verb ? ` ${verb}` : ""}`.replace(/[-_]/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/**
 * Background jobs of this user that failed after all their retries (a reminder that could not be sent,
 * a calendar sync…), with the error and a Retry button. Self-contained: it loads `jobs.failed` itself.
 */
export function FailedJobs({ className }: { className?: string }) {
  const jobs = trpc.jobs.failed.useQuery(undefined, { staleTime: 10_000 });

  return (
    <Card className={className}>
      <CardHeader className="flex flex-row items-start justify-between gap-4 space-y-0 pb-4">
        <div className="space-y-1">
          <CardTitle id="failed-jobs-heading">Failed background jobs</CardTitle>
          <CardDescription>Work that kept failing after its retries. Retry once the cause is fixed.</CardDescription>
        </div>
        <Button
          variant="ghost"
          size="sm"
          onClick={() => jobs.refetch()}
          disabled={jobs.isFetching}
          aria-label="Refresh failed jobs"
          title="Refresh"
        >
          <RotateCw className={cn("size-4", jobs.isFetching && !jobs.isPending && "animate-spin")} aria-hidden="true" />
        </Button>
      </CardHeader>
      {jobs.isPending ? (
        <div
          className="space-y-3 border-t border-zinc-100 px-6 py-5"
          role="status"
          aria-busy="true"
          aria-label="Loading failed jobs"
        >
          <Skeleton className="h-12 w-full" />
          <Skeleton className="h-12 w-full" />
        </div>
      ) : jobs.isError ? (
        <div className="border-t border-zinc-100 px-6 py-5">
          <QueryError query={jobs} title="Could not load failed jobs" />
        </div>
      ) : jobs.data.length === 0 ? (
        <div className="flex items-center gap-3 border-t border-zinc-100 px-6 py-5 text-sm text-zinc-600">
          <CircleCheck className="size-5 shrink-0 text-emerald-500" aria-hidden="true" />
          <div>
            <p className="font-medium text-zinc-900">No failed jobs</p>
            <p className="text-zinc-500">Reminders, imports and calendar sync are running smoothly.</p>
          </div>
        </div>
      ) : (
        <ul aria-labelledby="failed-jobs-heading" className="divide-y divide-zinc-100 border-t border-zinc-100">
          {jobs.data.map((job) => (
            <FailedJobRow key={job.id} job={job} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function FailedJobRow({ job }: { job: FailedJob }) {
  const zone = useUserTimeZone();
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const retry = trpc.jobs.retry.useMutation({
    onSuccess: () => {
      toast({ title: "Job queued again", description: `${queueLabel(job.queue)} will run in a moment.` });
      utils.jobs.failed.setData(undefined, (all) => all?.filter((j) => j.id !== job.id));
      void utils.jobs.failed.invalidate();
      void utils.emails.list.invalidate();
    },
    onError: (error) => toast({ title: "Could not retry the job", description: userMessage(error), variant: "error" }),
  });
  const when = job.failedAt ?? job.createdAt;
  return (
    <li className="flex flex-col gap-3 px-6 py-4 sm:flex-row sm:items-start" data-job-id={job.id}>
      <div className="min-w-0 flex-1 space-y-1">
        <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
          <p className="text-sm font-medium text-zinc-900">{queueLabel(job.queue)}</p>
          <p className="text-xs text-zinc-500">
            Failed{" "}
            <time dateTime={when.toISOString()} title={formatFull(when, zone)}>
              {formatWhen(when, zone)}
            </time>
            {job.retryCount > 0 ? ` after ${job.retryCount + 1} attempts` : null}
          </p>
        </div>
        <p className="line-clamp-3 text-sm break-words text-red-700" title={job.error}>
          {job.error || "No error message"}
        </p>
      </div>
      <Button variant="secondary" size="sm" onClick={() => retry.mutate({ id: job.id })} loading={retry.isPending}>
        {retry.isPending ? null : <RotateCw className="size-3.5" aria-hidden="true" />}
        Retry
      </Button>
    </li>
  );
}
