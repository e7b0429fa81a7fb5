import { nextStatuses } from "@crm/shared";
import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import {
  CalendarDays,
  CalendarX,
  Clock,
  Download,
  Globe,
  MapPin,
  Pencil,
  StickyNote,
  Trash,
  UserRound,
} from "lucide-react";
import { type ReactNode, useState } from "react";
import { BookingFormDialog } from "../../../components/bookings/booking-form";
import { StatusBadge, TRANSITION_LABELS } from "../../../components/bookings/status";
import { TimeZoneNotice } from "../../../components/bookings/time-zone-notice";
import type { BookingView } from "../../../components/bookings/types";
import { useBookingActions } from "../../../components/bookings/use-booking-actions";
import { BookingSyncAlerts, BusyBlockClient, InGoogleBadge } from "../../../components/calendar-sync/booking-sync-info";
import { BackLink } from "../../../components/page-header";
import { QueryError } from "../../../components/query-state";
import { ReminderStatus } from "../../../components/reminders/reminder-status";
import { Alert } from "../../../components/ui/alert";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardFooter } from "../../../components/ui/card";
import { ConfirmDialog } from "../../../components/ui/confirm-dialog";
import { EmptyState } from "../../../components/ui/empty-state";
import { Skeleton } from "../../../components/ui/skeleton";
import { errorCode, userMessage } from "../../../lib/errors";
import {
  dayKey,
  durationLabel,
  formatDateTime,
  formatDayRange,
  formatLongDate,
  formatShortDate,
  formatTimeRange,
  useUserTimeZone,
  zoneLabel,
  zoneOffset,
} from "../../../lib/time";
import { trpc } from "../../../lib/trpc";
import { useDocumentTitle } from "../../../lib/use-document-title";
import { cn } from "../../../lib/utils";

export const Route = createFileRoute("/_authed/bookings/$bookingId")({
  component: BookingPage,
});

function BookingPage() {
  const { bookingId } = Route.useParams();
  const booking = trpc.bookings.get.useQuery({ id: bookingId });
  useDocumentTitle(booking.data?.title ?? "Booking");

  return (
    <>
      <BackLink to="/bookings">Bookings</BackLink>
      <TimeZoneNotice />
      {booking.isPending ? (
        <DetailSkeleton />
      ) : booking.isError ? (
        errorCode(booking.error) === "NOT_FOUND" || errorCode(booking.error) === "BAD_REQUEST" ? (
          <EmptyState
            icon={CalendarX}
            title="Booking not found"
            description="It may have been deleted, or the link is wrong."
            action={
              <Button asChild>
                <Link to="/bookings">See all bookings</Link>
              </Button>
            }
          />
        ) : (
          <QueryError query={booking} title="Could not load this booking" />
        )
      ) : (
        <BookingDetail booking={booking.data} />
      )}
    </>
  );
}

function BookingDetail({ booking }: { booking: BookingView }) {
  const zone = useUserTimeZone();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState<"delete" | "cancel" | null>(null);
  const actions = useBookingActions(booking);
  const next = nextStatuses(booking.status);
  const final = next.length === 0;
  const clientZone = booking.timeZone && booking.timeZone !== zone ? booking.timeZone : null;
  const cancelled = booking.status === "cancelled";

  return (
    <>
      <header className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1
              className={cn(
                "text-2xl font-semibold tracking-tight text-zinc-900",
                cancelled && "text-zinc-500 line-through decoration-zinc-400",
              )}
            >
              {booking.title}
            </h1>
            <StatusBadge status={booking.status} className="text-sm" />
            <InGoogleBadge booking={booking} />
          </div>
          <p className="mt-1 text-sm text-zinc-500">
            {when(booking, zone)}
            {booking.clientName ? ` with ${booking.clientName}` : booking.clientId ? "" : " · busy (Google Calendar)"}
          </p>
        </div>
        <div className="flex shrink-0 flex-wrap gap-2">
          <Button variant="secondary" onClick={() => setEditing(true)}>
            <Pencil className="size-4" aria-hidden="true" />
            {final ? "Edit" : "Edit or reschedule"}
          </Button>
          <Button variant="secondary" onClick={actions.downloadIcs} loading={actions.downloading}>
            {actions.downloading ? null : <Download className="size-4" aria-hidden="true" />}
            Download .ics
          </Button>
        </div>
      </header>
      <BookingSyncAlerts booking={booking} onReschedule={() => setEditing(true)} />

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <Card>
          <CardContent className="divide-y divide-zinc-100 p-0">
            <DetailRow icon={Clock} label="When">
              {booking.allDay ? (
                <p className="font-medium text-zinc-900">{when(booking, zone)}</p>
              ) : (
                <p className="font-medium text-zinc-900">{formatLongDate(booking.startsAt, zone)}</p>
              )}
              {booking.allDay ? null : (
                <p className="text-zinc-700 tabular-nums">
                  {formatTimeRange(booking.startsAt, booking.endsAt, zone)}{" "}
                  <span className="text-zinc-500">
                    ({durationLabel(booking.endsAt.getTime() - booking.startsAt.getTime())}) · your time,{" "}
                    {zone.replaceAll("_", " ")}
                  </span>
                </p>
              )}
              {clientZone ? (
                <p className="mt-1 flex items-center gap-1.5 text-zinc-700">
                  <Globe className="size-3.5 text-zinc-500" aria-hidden="true" />
                  <span className="tabular-nums">
                    {dayKey(booking.startsAt, clientZone) !== dayKey(booking.startsAt, zone)
                      ? `${formatShortDate(booking.startsAt, clientZone)}, `
                      : ""}
                    {formatTimeRange(booking.startsAt, booking.endsAt, clientZone)}
                  </span>
                  <span className="text-zinc-500">
                    in {zoneLabel(clientZone)} ({zoneOffset(clientZone, booking.startsAt)}), the client's time
                  </span>
                </p>
              ) : null}
            </DetailRow>
            <DetailRow icon={UserRound} label="Client">
              {booking.clientId ? (
                <Link
                  to="/clients/$clientId"
                  params={{ clientId: booking.clientId }}
                  className="font-medium text-indigo-700 hover:text-indigo-900 hover:underline"
                >
                  {booking.clientName}
                </Link>
              ) : (
                <BusyBlockClient booking={booking} />
              )}
            </DetailRow>
            <DetailRow icon={MapPin} label="Location">
              {booking.location ? <Location value={booking.location} /> : <span className="text-zinc-500">None</span>}
            </DetailRow>
            <DetailRow icon={StickyNote} label="Notes">
              {booking.notes ? (
                <p className="whitespace-pre-wrap text-zinc-800">{booking.notes}</p>
              ) : (
                <span className="text-zinc-500">None</span>
              )}
            </DetailRow>
          </CardContent>
          <CardFooter className="justify-between text-xs text-zinc-500">
            <span>Created {formatDateTime(booking.createdAt, zone)}</span>
            <span>Updated {formatDateTime(booking.updatedAt, zone)}</span>
          </CardFooter>
        </Card>

        <div className="space-y-6">
          <Card>
            <CardContent className="space-y-3">
              <h2 className="text-sm font-semibold text-zinc-900">Status</h2>
              <div className="flex items-center gap-2">
                <StatusBadge status={booking.status} />
                <span className="text-sm text-zinc-500">
                  {final
                    ? "Final: it can't change any more."
                    : !booking.clientId
                      ? "Busy time from Google Calendar."
                      : booking.status === "proposed"
                        ? "Waiting for confirmation."
                        : "Confirmed with the client."}
                </span>
              </div>
              {actions.transitionError ? <Alert variant="error">{actions.transitionError}</Alert> : null}
              {next.length ? (
                <div className="flex flex-col gap-2">
                  {next.map((to) => (
                    <Button
                      key={to}
                      variant={to === "cancelled" ? "secondary" : "primary"}
                      className={cn(to === "cancelled" && "text-red-700")}
                      loading={actions.transitionPending === to}
                      disabled={Boolean(actions.transitionPending)}
                      onClick={() => (to === "cancelled" ? setConfirm("cancel") : actions.transition(to))}
                    >
                      {TRANSITION_LABELS[to]}
                    </Button>
                  ))}
                </div>
              ) : null}
            </CardContent>
          </Card>
          {booking.clientId ? (
            <Card>
              <CardContent className="space-y-3">
                <h2 className="text-sm font-semibold text-zinc-900">Reminder email</h2>
                <ReminderStatus bookingId={booking.id} canResend={!final} />
              </CardContent>
            </Card>
          ) : null}
          <Card>
            <CardContent className="space-y-2">
              <h2 className="text-sm font-semibold text-zinc-900">More</h2>
              <Button variant="ghost" className="w-full justify-start" asChild>
                <Link to="/calendar" search={{ view: "week", date: dayKey(booking.startsAt, zone) }}>
                  <CalendarDays className="size-4" aria-hidden="true" />
                  Show in calendar
                </Link>
              </Button>
              <Button
                variant="ghost"
                className="w-full justify-start text-red-700 hover:bg-red-50 hover:text-red-800"
                onClick={() => setConfirm("delete")}
              >
                <Trash className="size-4" aria-hidden="true" />
                Delete booking
              </Button>
            </CardContent>
          </Card>
        </div>
      </div>

      <BookingFormDialog open={editing} onOpenChange={setEditing} booking={booking} />
      <ConfirmDialog
        open={confirm === "cancel"}
        onOpenChange={(open) => setConfirm(open ? "cancel" : null)}
        title="Cancel this booking?"
        description={`“${booking.title}” will be marked cancelled and its time freed. This can't be undone.`}
        confirmLabel="Cancel booking"
        cancelLabel="Keep it"
        onConfirm={() => {
          actions.transition("cancelled");
          setConfirm(null);
        }}
      />
      <ConfirmDialog
        open={confirm === "delete"}
        onOpenChange={(open) => setConfirm(open ? "delete" : null)}
        title="Delete this booking?"
        description={`“${booking.title}” disappears from your calendar and bookings. To keep a record, cancel it instead.`}
        confirmLabel="Delete booking"
        cancelLabel="Keep it"
        pending={actions.remove.isPending}
        error={actions.remove.error ? userMessage(actions.remove.error) : null}
        onConfirm={() =>
          actions.remove.mutate({ id: booking.id }, { onSuccess: () => navigate({ to: "/bookings", replace: true }) })
        }
      />
    </>
  );
}

function DetailRow({ icon: Icon, label, children }: { icon: typeof Clock; label: string; children: ReactNode }) {
  return (
    <div className="flex gap-4 px-6 py-4 text-sm">
      <Icon className="mt-0.5 size-4 shrink-0 text-zinc-500" aria-hidden="true" />
      <div className="min-w-0 flex-1">
        <h2 className="mb-0.5 text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</h2>
        {children}
      </div>
    </div>
  );
}

function Location({ value }: { value: string }) {
  const isLink = /^https?:\/\/\S+$/i.test(value.trim());
  if (!isLink) return <p className="break-words text-zinc-800">{value}</p>;
  return (
    <a
      href={value.trim()}
      target="_blank"
      rel="noopener noreferrer"
      className="break-all font-medium text-indigo-700 hover:text-indigo-900 hover:underline"
    >
      {value}
    </a>
  );
}

function DetailSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading booking" className="space-y-6">
      <div className="space-y-2">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-4 w-80" />
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <Skeleton className="h-72 rounded-xl" />
        <Skeleton className="h-40 rounded-xl" />
      </div>
    </div>
  );
}

/** The date and time line; all-day bookings (from Google) show their date(s) only. */
function when(booking: BookingView, zone: string): string {
  if (!booking.allDay)
    return `${formatLongDate(booking.startsAt, zone)} · ${formatTimeRange(booking.startsAt, booking.endsAt, zone)}`;
  return `${formatDayRange(booking.startsAt, booking.endsAt, zone, "long")} · all day`;
}
