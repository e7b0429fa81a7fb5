import { Link } from "@tanstack/react-router";
import { userMessage } from "../../lib/errors";
import { relativeTime } from "../../lib/format";
import { formatDateTime } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { useToast } from "../ui/toast";
import { type CalendarSyncStatus, resumeTime } from "./status";

/** What is wrong, in words: disconnected, paused by the quota, or the last error. */
export function StateAlert({ status, zone, now }: { status: CalendarSyncStatus; zone: string; now: Date }) {
  const when = status.lastErrorAt ? (
    <p className="mt-1 text-xs opacity-80">
      <time dateTime={status.lastErrorAt.toISOString()}>{relativeTime(status.lastErrorAt, zone, now)}</time> (
      {formatDateTime(status.lastErrorAt, zone)})
    </p>
  ) : null;
  if (status.status === "disconnected") {
    return (
      // Not lastError: it only ever says "reconnect in Settings", and this is Settings.
      <Alert variant="error" title="Reconnect to resume syncing">
        <p>
          Google no longer accepts this app's access: it was revoked or has expired. Your bookings stay here, and
          changes made meanwhile are sent once you reconnect.
        </p>
        {when}
      </Alert>
    );
  }
  if (status.status === "paused") {
    // Not lastError: it names the time in UTC; the user's zone is clearer.
    return (
      <Alert variant="warning" title="Sync paused">
        Google's API quota is used up. Sync resumes by itself
        {status.pausedUntil ? ` at ${resumeTime(status.pausedUntil, zone, now)}` : " within a minute"}; Sync now tries
        again at once.
      </Alert>
    );
  }
  if (!status.lastError) return null;
  return (
    <Alert variant="error" title={status.status === "error" ? "The last sync failed" : "Last sync error"}>
      <p>{status.lastError}</p>
      {when}
    </Alert>
  );
}

export function BookingLink({ bookingId, title }: { bookingId: string; title: string }) {
  return (
    <Link
      to="/bookings/$bookingId"
      params={{ bookingId }}
      className="font-medium text-indigo-700 hover:text-indigo-900 hover:underline"
    >
      {title}
    </Link>
  );
}

export function Conflicts({ conflicts, zone }: { conflicts: CalendarSyncStatus["conflicts"]; zone: string }) {
  if (!conflicts.length) return null;
  return (
    <section aria-labelledby="sync-conflicts-heading" className="space-y-2">
      <h3 id="sync-conflicts-heading" className="text-sm font-semibold text-zinc-900">
        Google moved these onto a time that is already booked
      </h3>
      <ul className="divide-y divide-red-100 rounded-lg border border-red-200 bg-red-50/40">
        {conflicts.map((c) => (
          <li key={c.bookingId} className="space-y-0.5 px-4 py-2.5 text-sm">
            <div className="flex flex-wrap items-baseline gap-x-2">
              <BookingLink bookingId={c.bookingId} title={c.title} />
              <time dateTime={c.startsAt.toISOString()} className="text-zinc-500 tabular-nums">
                {formatDateTime(c.startsAt, zone)}
              </time>
            </div>
            <p className="text-red-800">{c.conflict}</p>
          </li>
        ))}
      </ul>
      <p className="text-xs text-zinc-500">Reschedule or cancel one of each pair; the flag clears by itself.</p>
    </section>
  );
}

export function Notices({ notices }: { notices: CalendarSyncStatus["notices"] }) {
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const dismiss = trpc.calendarSync.dismissNotice.useMutation({
    onSuccess: ({ bookingId }) => {
      utils.calendarSync.status.setData(undefined, (s) =>
        s ? { ...s, notices: s.notices.filter((n) => n.bookingId !== bookingId) } : s,
      );
      void utils.calendarSync.status.invalidate();
      void utils.bookings.get.invalidate({ id: bookingId });
    },
    onError: (error) =>
      toast({ title: "Could not dismiss the notice", description: userMessage(error), variant: "error" }),
  });
  if (!notices.length) return null;
  return (
    <section aria-labelledby="sync-notices-heading" className="space-y-2">
      <h3 id="sync-notices-heading" className="text-sm font-semibold text-zinc-900">
        Changed by sync
      </h3>
      <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200">
        {notices.map((n) => (
          <li key={n.bookingId} className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm">
            <div className="min-w-0">
              <BookingLink bookingId={n.bookingId} title={n.title} />
              <p className="text-zinc-600">{n.notice}</p>
            </div>
            <Button
              variant="ghost"
              size="sm"
              onClick={() => dismiss.mutate({ bookingId: n.bookingId })}
              loading={dismiss.isPending && dismiss.variables?.bookingId === n.bookingId}
              aria-label={`Dismiss the notice about ${n.title}`}
            >
              Dismiss
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
