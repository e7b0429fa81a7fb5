import { Link } from "@tanstack/react-router";
import { CalendarSync, RefreshCw, Unplug } from "lucide-react";
import { type FormEvent, useEffect, useState } from "react";
import { errorField, userMessage } from "../../lib/errors";
import { formatDateTime, relativeTime } from "../../lib/format";
import { formatShortDate, useUserTimeZone } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { ConfirmDialog } from "../confirm-dialog";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../ui/card";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Skeleton } from "../ui/skeleton";
import { Spinner } from "../ui/spinner";
import { useToast } from "../ui/toast";
import { type CalendarSyncStatus, STATE_LABELS, STATE_TONES, useCalendarSyncStatus, useConnectGoogle } from "./status";

/** Settings → Google Calendar: connect, see how sync is doing, and act on it. */
export function GoogleCalendarCard() {
  const [fastUntil, setFastUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const status = useCalendarSyncStatus({ fast: now < fastUntil, slowMs: 30_000 });
  // Poll fast for a little while after an action, then slow down again.
  useEffect(() => {
    if (now >= fastUntil) return;
    const timer = setTimeout(() => setNow(Date.now()), 2_000);
    return () => clearTimeout(timer);
  }, [now, fastUntil]);
  const pollFast = () => {
    setFastUntil(Date.now() + 20_000);
    setNow(Date.now());
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
          <Alert variant="error" title="Could not load the Google Calendar status">
            {userMessage(status.error)}
          </Alert>
        </CardContent>
      ) : !status.data.configured ? (
        <NotConfigured />
      ) : status.data.status === "not_connected" ? (
        <ConnectForm />
      ) : (
        <Connection status={status.data} onAction={pollFast} />
      )}
    </Card>
  );
}

function NotConfigured() {
  return (
    <CardContent>
      <Alert variant="info" title="Not set up on this server">
        To connect Google Calendar, the server needs a Google OAuth client: set <code>GOOGLE_CLIENT_ID</code>,{" "}
        <code>GOOGLE_CLIENT_SECRET</code> and <code>TOKEN_ENCRYPTION_KEY</code> and restart it (see “Google Calendar
        sync” in the README; a fake Google for trying it out ships with the project).
      </Alert>
    </CardContent>
  );
}

function ConnectForm({ calendarId: initial = "primary" }: { calendarId?: string }) {
  const [calendarId, setCalendarId] = useState(initial);
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
        {connect.error && !fieldError ? <Alert variant="error">{userMessage(connect.error)}</Alert> : null}
        <Field
          label="Calendar"
          error={fieldError}
          hint="“primary”, or a calendar ID from Google Calendar → Settings → Integrate calendar."
          className="sm:max-w-md"
        >
          {({ invalid, ...control }) => (
            <Input
              {...control}
              name="calendarId"
              invalid={invalid}
              value={calendarId}
              onChange={(e) => setCalendarId(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <p className="text-sm text-zinc-500">
          You will be asked by Google to let this app see and edit events. Nothing else in your Google account is read.
        </p>
      </CardContent>
      <CardFooter>
        <Button type="submit" loading={connect.isPending || connect.isSuccess}>
          Connect Google Calendar
        </Button>
      </CardFooter>
    </form>
  );
}

function Connection({ status, onAction }: { status: CalendarSyncStatus; onAction: () => void }) {
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
      toast({
        title: retried ? `Retrying ${retried} failed sync${retried === 1 ? "" : "s"}` : "No failed sync to retry",
        description: retried ? "They run again now." : "A sync is queued anyway.",
      });
      if (!retried) syncNow.mutate();
    },
  });
  const disconnect = trpc.calendarSync.disconnect.useMutation({
    onSuccess: () => {
      setConfirmDisconnect(false);
      void refresh();
      void utils.bookings.invalidate();
      toast({ title: "Google Calendar disconnected", description: "Access was revoked at Google." });
    },
  });
  const dismiss = trpc.calendarSync.dismissNotice.useMutation({ onSuccess: () => refresh() });
  const state = status.status;
  const disconnected = state === "disconnected";

  return (
    <>
      <CardContent className="space-y-5">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
          <Badge tone={STATE_TONES[state]} className="text-sm">
            {state === "syncing" ? <Spinner size="sm" className="size-3" label={null} /> : null}
            {STATE_LABELS[state]}
          </Badge>
          <span className="text-sm text-zinc-700">
            {status.accountEmail ?? "Google account"}
            {status.calendarId && status.calendarId !== "primary" ? (
              <span className="text-zinc-500"> · calendar {status.calendarId}</span>
            ) : (
              <span className="text-zinc-500"> · primary calendar</span>
            )}
          </span>
        </div>

        {disconnected ? (
          <Alert variant="error" title="Reconnect to resume syncing">
            {status.lastError ?? "Google no longer accepts this app's access."} Your bookings stay here, and changes
            made meanwhile are sent once you reconnect.
          </Alert>
        ) : state === "paused" ? (
          <Alert variant="info" title="Sync paused">
            {status.lastError ?? "Google's API quota is used up."}
          </Alert>
        ) : state === "error" && status.lastError ? (
          <Alert variant="error" title="The last sync failed">
            {status.lastError}
            {status.lastErrorAt ? ` (${relativeTime(status.lastErrorAt, zone)})` : ""}
          </Alert>
        ) : null}

        <dl className="grid gap-4 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Last successful sync</dt>
            <dd className="mt-1 text-zinc-900">
              {status.lastSyncedAt ? (
                <span title={formatDateTime(status.lastSyncedAt, zone)}>
                  {relativeTime(status.lastSyncedAt, zone)}{" "}
                  <span className="text-zinc-500">({formatDateTime(status.lastSyncedAt, zone)})</span>
                </span>
              ) : (
                "Not synced yet"
              )}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Activity</dt>
            <dd className="mt-1 text-zinc-900 tabular-nums">
              {status.pushed} pushed · {status.pulled} pulled
              {status.pending ? <span className="text-amber-700"> · {status.pending} waiting to sync</span> : null}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Updates from Google</dt>
            <dd className="mt-1 text-zinc-900">
              {status.pushNotifications ? "Arrive within seconds" : "Checked every 5 minutes"}
            </dd>
          </div>
        </dl>

        {status.conflicts.length ? (
          <section aria-labelledby="sync-conflicts-heading" className="space-y-2">
            <h3 id="sync-conflicts-heading" className="text-sm font-semibold text-zinc-900">
              Google moved these onto a time that is already booked
            </h3>
            <ul className="divide-y divide-zinc-100 rounded-lg border border-red-200 bg-red-50/40">
              {status.conflicts.map((c) => (
                <li key={c.bookingId} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2.5 text-sm">
                  <div className="min-w-0">
                    <Link
                      to="/bookings/$bookingId"
                      params={{ bookingId: c.bookingId }}
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      {c.title}
                    </Link>{" "}
                    <span className="text-zinc-500 tabular-nums">{formatShortDate(c.startsAt, zone)}</span>
                    <p className="text-red-800">{c.conflict}</p>
                  </div>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {status.notices.length ? (
          <section aria-labelledby="sync-notices-heading" className="space-y-2">
            <h3 id="sync-notices-heading" className="text-sm font-semibold text-zinc-900">
              Changed by sync
            </h3>
            <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200">
              {status.notices.map((n) => (
                <li key={n.bookingId} className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm">
                  <div className="min-w-0">
                    <Link
                      to="/bookings/$bookingId"
                      params={{ bookingId: n.bookingId }}
                      className="font-medium text-indigo-700 hover:underline"
                    >
                      {n.title}
                    </Link>
                    <p className="text-zinc-600">{n.notice}</p>
                  </div>
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => dismiss.mutate({ bookingId: n.bookingId })}
                    aria-label={`Dismiss the notice about ${n.title}`}
                  >
                    Dismiss
                  </Button>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </CardContent>
      <CardFooter className="flex-wrap">
        {disconnected ? (
          <Button
            onClick={() => connect.mutate({ calendarId: status.calendarId ?? "primary" })}
            loading={connect.isPending}
          >
            Reconnect
          </Button>
        ) : (
          <Button
            variant="secondary"
            onClick={() => syncNow.mutate()}
            loading={syncNow.isPending}
            disabled={state === "syncing"}
          >
            {syncNow.isPending ? null : <RefreshCw className="size-4" aria-hidden="true" />}
            Sync now
          </Button>
        )}
        {state === "error" ? (
          <Button variant="secondary" onClick={() => retry.mutate()} loading={retry.isPending}>
            Retry failed sync
          </Button>
        ) : null}
        <Button variant="ghost" className="text-red-700 hover:bg-red-50" onClick={() => setConfirmDisconnect(true)}>
          <Unplug className="size-4" aria-hidden="true" />
          Disconnect
        </Button>
      </CardFooter>
      <ConfirmDialog
        open={confirmDisconnect}
        onOpenChange={setConfirmDisconnect}
        title="Disconnect Google Calendar?"
        description="This revokes the app's access at Google. Your bookings stay in the CRM; busy blocks imported from Google are removed. Events already in Google stay there."
        confirmLabel="Disconnect"
        pending={disconnect.isPending}
        onConfirm={() => disconnect.mutate()}
      >
        {disconnect.error ? <Alert variant="error">{userMessage(disconnect.error)}</Alert> : null}
      </ConfirmDialog>
    </>
  );
}
