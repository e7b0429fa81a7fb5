import { CalendarSync, RefreshCw, RotateCw, Unplug } from "lucide-react";
import { type FormEvent, useEffect, useState } from "react";
import { errorField, userMessage } from "../../lib/errors";
import { plural, relativeTime } from "../../lib/format";
import { formatDateTime, useUserTimeZone } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { QueryError } from "../query-state";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../ui/card";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Skeleton } from "../ui/skeleton";
import { Spinner } from "../ui/spinner";
import { useToast } from "../ui/toast";
import { Conflicts, Notices, StateAlert } from "./google-calendar-notices";
import { type CalendarSyncStatus, STATE_LABELS, STATE_TONES, useCalendarSyncStatus, useConnectGoogle } from "./status";

/** After Sync now or Retry, the status is polled every 2 s for this long (the job runs within seconds). */
const FAST_POLL_MS = 15_000;
const SLOW_POLL_MS = 30_000;

/** Settings → Google Calendar: connect, see how sync is doing, and act on it. */
export function GoogleCalendarCard({ justConnected = false }: { justConnected?: boolean }) {
  // Back from Google's consent page: the first sync starts within seconds, so watch it closely.
  const [fastUntil, setFastUntil] = useState(() => (justConnected ? Date.now() + FAST_POLL_MS : 0));
  const [now, setNow] = useState(() => Date.now());
  const fast = now < fastUntil;
  const status = useCalendarSyncStatus({ fast, slowMs: SLOW_POLL_MS });
  // A clock for the fast-poll window and for "5 minutes ago" to stay true between answers.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), fast ? 2_000 : SLOW_POLL_MS);
    return () => clearInterval(timer);
  }, [fast]);
  const pollFast = () => {
    const at = Date.now();
    setFastUntil(at + FAST_POLL_MS);
    setNow(at);
  };

  return (
    <Card role="region" aria-labelledby="google-calendar-heading">
      <CardHeader>
        <CardTitle id="google-calendar-heading" className="flex items-center gap-2">
          <CalendarSync className="size-5 text-indigo-600" aria-hidden="true" />
          Google Calendar
        </CardTitle>
        <CardDescription>
          Bookings go to your Google Calendar, and what you move, rename or delete there comes back here.
        </CardDescription>
      </CardHeader>
      {status.isPending ? (
        <CardContent aria-busy="true" aria-label="Loading Google Calendar status">
          <Skeleton className="h-10 w-full" />
        </CardContent>
      ) : status.isError ? (
        <CardContent>
          <QueryError query={status} title="Could not load the Google Calendar status" />
        </CardContent>
      ) : !status.data.configured ? (
        <NotConfigured />
      ) : status.data.status === "not_connected" ? (
        <ConnectForm />
      ) : (
        <Connection status={status.data} now={new Date(now)} onAction={pollFast} />
      )}
    </Card>
  );
}

function NotConfigured() {
  return (
    <CardContent>
      <Alert variant="info" title="Not set up on this server">
        <p>
          The server has no Google OAuth client configured, so Google Calendar can't be connected yet. Set{" "}
          <EnvVar>GOOGLE_CLIENT_ID</EnvVar>, <EnvVar>GOOGLE_CLIENT_SECRET</EnvVar> and{" "}
          <EnvVar>TOKEN_ENCRYPTION_KEY</EnvVar> and restart it: see “Google Calendar sync” in the README (it also
          describes a fake Google for trying this out).
        </p>
      </Alert>
    </CardContent>
  );
}

function EnvVar({ children }: { children: string }) {
  return (
    <code className="rounded bg-white/70 px-1 py-0.5 font-mono text-[0.8125rem] whitespace-nowrap">{children}</code>
  );
}

function ConnectForm() {
  const [calendarId, setCalendarId] = useState("primary");
  const connect = useConnectGoogle();
  const fieldError =
    connect.error && errorField(connect.error) === "calendarId" ? userMessage(connect.error) : undefined;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    connect.mutate({ calendarId: calendarId.trim() || "primary" });
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <CardContent className="space-y-4">
        {connect.error && !fieldError ? (
          <Alert variant="error" title="Could not start connecting">
            {userMessage(connect.error)}
          </Alert>
        ) : null}
        <Field
          label="Calendar"
          error={fieldError}
          hint="primary, or a calendar ID from Google Calendar → Settings → Integrate calendar"
          className="sm:max-w-md"
        >
          {({ invalid, ...control }) => (
            <Input
              {...control}
              name="calendarId"
              invalid={invalid}
              value={calendarId}
              onChange={(e) => {
                setCalendarId(e.target.value);
                if (connect.error) connect.reset();
              }}
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
            />
          )}
        </Field>
        <p className="text-sm text-zinc-500">
          Google will ask you to let this app see and edit events in that calendar. Nothing else in your Google account
          is read.
        </p>
      </CardContent>
      <CardFooter>
        <Button type="submit" loading={connect.isPending || connect.isSuccess}>
          {connect.isPending || connect.isSuccess ? "Opening Google…" : "Connect Google Calendar"}
        </Button>
      </CardFooter>
    </form>
  );
}

function Connection({ status, now, onAction }: { status: CalendarSyncStatus; now: Date; onAction: () => void }) {
  const zone = useUserTimeZone();
  const { toast } = useToast();
  const utils = trpc.useUtils();
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const connect = useConnectGoogle();
  const refresh = () => utils.calendarSync.status.invalidate();
  const syncNow = trpc.calendarSync.syncNow.useMutation({
    onSuccess: () => {
      onAction();
      void refresh();
    },
    onError: (error) => toast({ title: "Could not start a sync", description: userMessage(error), variant: "error" }),
  });
  const retry = trpc.calendarSync.retryFailed.useMutation({
    onSuccess: ({ retried }) => {
      onAction();
      void refresh();
      void utils.jobs.failed.invalidate();
      if (retried) {
        toast({
          title: `Retrying ${plural(retried, "failed sync")}`,
          description: "They run again now; the status here updates in a few seconds.",
        });
      } else {
        // Nothing in the dead-letter queue (the job may still be retrying by itself): sync now instead.
        toast({ title: "No failed sync to retry", description: "A new sync was started instead." });
        syncNow.mutate();
      }
    },
    onError: (error) => toast({ title: "Could not retry the sync", description: userMessage(error), variant: "error" }),
  });
  const disconnect = trpc.calendarSync.disconnect.useMutation({
    onSuccess: () => {
      setConfirmDisconnect(false);
      void refresh();
      void utils.bookings.invalidate();
      toast({
        title: "Google Calendar disconnected",
        description: "Access was revoked at Google. Your bookings are still here.",
      });
    },
  });
  const state = status.status;
  const disconnected = state === "disconnected";
  const syncing = state === "syncing";
  const account = status.accountEmail ?? status.calendarId ?? "Google Calendar";
  const calendarLabel =
    status.calendarId && status.calendarId !== "primary" && status.calendarId !== status.accountEmail
      ? `calendar ${status.calendarId}`
      : "primary calendar";

  return (
    <>
      <CardContent className="space-y-5">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <Badge tone={STATE_TONES[state]} className="text-sm" aria-live="polite">
            {syncing ? <Spinner size="sm" className="size-3 text-current" label={null} /> : null}
            {STATE_LABELS[state]}
          </Badge>
          <p className="min-w-0 text-sm break-all text-zinc-700">
            <span className="font-medium text-zinc-900">{account}</span>
            {status.accountEmail ? <span className="text-zinc-500"> · {calendarLabel}</span> : null}
          </p>
        </div>

        <StateAlert status={status} zone={zone} now={now} />
        {connect.error ? (
          <Alert variant="error" title="Could not start reconnecting">
            {userMessage(connect.error)}
          </Alert>
        ) : null}

        <dl className="grid gap-4 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Last successful sync</dt>
            <dd className="mt-1 text-zinc-900">
              {status.lastSyncedAt ? (
                <>
                  <time dateTime={status.lastSyncedAt.toISOString()}>
                    {relativeTime(status.lastSyncedAt, zone, now)}
                  </time>{" "}
                  <span className="text-zinc-500 tabular-nums">({formatDateTime(status.lastSyncedAt, zone)})</span>
                </>
              ) : (
                <span className="text-zinc-500">Not synced yet</span>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Activity</dt>
            <dd className="mt-1 text-zinc-900 tabular-nums">
              {status.pushed} pushed · {status.pulled} pulled ·{" "}
              <span className={status.pending ? "font-medium text-amber-700" : undefined}>
                {status.pending} waiting to sync
              </span>
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Changes made in Google</dt>
            <dd className="mt-1 text-zinc-900">
              {status.pushNotifications ? "Updates from Google arrive within seconds" : "Checked every 5 minutes"}
            </dd>
          </div>
        </dl>

        <Conflicts conflicts={status.conflicts} zone={zone} />
        <Notices notices={status.notices} />
      </CardContent>
      {/* Phones: one button a row, the main one on top. */}
      <CardFooter className="flex-col-reverse items-stretch gap-2 sm:flex-row sm:flex-wrap sm:items-center sm:gap-3">
        <Button
          variant="ghost"
          className="text-red-700 hover:bg-red-50 hover:text-red-800 sm:mr-auto"
          onClick={() => setConfirmDisconnect(true)}
        >
          <Unplug className="size-4" aria-hidden="true" />
          Disconnect
        </Button>
        {state === "error" ? (
          <Button variant="secondary" onClick={() => retry.mutate()} loading={retry.isPending}>
            {retry.isPending ? null : <RotateCw className="size-4" aria-hidden="true" />}
            Retry failed sync
          </Button>
        ) : null}
        <Button
          variant="secondary"
          onClick={() => syncNow.mutate()}
          loading={syncNow.isPending}
          disabled={syncing || disconnected}
          title={disconnected ? "Reconnect first" : syncing ? "A sync is running" : undefined}
        >
          {syncNow.isPending ? null : (
            <RefreshCw className={syncing ? "size-4 animate-spin" : "size-4"} aria-hidden="true" />
          )}
          Sync now
        </Button>
        {disconnected ? (
          <Button
            onClick={() => connect.mutate({ calendarId: status.calendarId ?? "primary" })}
            loading={connect.isPending || connect.isSuccess}
          >
            Reconnect
          </Button>
        ) : null}
      </CardFooter>
      <ConfirmDialog
        open={confirmDisconnect}
        onOpenChange={(open) => {
          setConfirmDisconnect(open);
          if (!open) disconnect.reset();
        }}
        title="Disconnect Google Calendar?"
        description="This revokes the app's access at Google and stops syncing. Your bookings stay in the CRM; busy blocks imported from Google are removed. Events already in Google Calendar stay there."
        confirmLabel="Disconnect"
        pending={disconnect.isPending}
        onConfirm={() => disconnect.mutate()}
      >
        {disconnect.error ? <Alert variant="error">{userMessage(disconnect.error)}</Alert> : null}
      </ConfirmDialog>
    </>
  );
}
