import { CalendarCheck2, Link2 } from "lucide-react";
import { type FormEvent, useEffect, useId, useState } from "react";
import { userMessage } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { ClientPicker, type PickedClient } from "../bookings/client-picker";
import type { BookingView } from "../bookings/types";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { useToast } from "../ui/toast";

/**
 * What sync has to say about a booking: a conflict to resolve (Google moved it onto a taken slot) and a
 * notice to read (e.g. "kept Google's version"), which can be dismissed.
 */
export function BookingSyncAlerts({ booking, onReschedule }: { booking: BookingView; onReschedule?: () => void }) {
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const dismiss = trpc.calendarSync.dismissNotice.useMutation({
    onSuccess: () => {
      utils.bookings.get.setData({ id: booking.id }, (b) => (b ? { ...b, syncNotice: null } : b));
      void utils.bookings.get.invalidate({ id: booking.id });
      void utils.calendarSync.status.invalidate();
    },
    onError: (error) =>
      toast({ title: "Could not dismiss the notice", description: userMessage(error), variant: "error" }),
  });
  if (!booking.syncConflict && !booking.syncNotice) return null;
  return (
    <div className="mb-6 space-y-3">
      {booking.syncConflict ? (
        <Alert
          variant="warning"
          title="This booking overlaps another one"
          action={
            onReschedule ? (
              <Button variant="secondary" size="sm" onClick={onReschedule}>
                Reschedule
              </Button>
            ) : null
          }
        >
          {booking.syncConflict.replace(/\.\s*$/, "")}. Google Calendar moved it onto a time that is already booked:
          reschedule or cancel one of them.
        </Alert>
      ) : null}
      {booking.syncNotice ? (
        <Alert
          variant="info"
          title="Changed by Google Calendar sync"
          action={
            <Button
              variant="ghost"
              size="sm"
              onClick={() => dismiss.mutate({ bookingId: booking.id })}
              loading={dismiss.isPending}
            >
              Dismiss
            </Button>
          }
        >
          {booking.syncNotice}
        </Alert>
      ) : null}
    </div>
  );
}

/** "In Google Calendar" next to the booking's status, once sync has put it there (or it came from there). */
export function InGoogleBadge({ booking }: { booking: BookingView }) {
  if (!booking.inGoogle) return null;
  return (
    <span className="inline-flex items-center gap-1 text-xs font-medium whitespace-nowrap text-zinc-500">
      <CalendarCheck2 className="size-3.5 text-emerald-600" aria-hidden="true" />
      In Google Calendar
    </span>
  );
}

/** A busy block from Google has no client: say where it came from and offer to link one. */
export function BusyBlockClient({ booking }: { booking: BookingView }) {
  const id = useId();
  const errorId = useId();
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const [linking, setLinking] = useState(false);
  const [picked, setPicked] = useState<PickedClient | null>(null);
  const link = trpc.bookings.update.useMutation({
    onSuccess: (saved) => {
      utils.bookings.get.setData({ id: booking.id }, saved);
      void utils.bookings.invalidate();
      setLinking(false);
      setPicked(null);
      toast({ title: "Linked to a client", description: `“${saved.title}” is now with ${saved.clientName}.` });
    },
  });

  // Opening the picker puts the keyboard in it.
  useEffect(() => {
    if (linking) document.getElementById(id)?.focus();
  }, [linking, id]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (picked) link.mutate({ id: booking.id, version: booking.version, clientId: picked.id });
  }

  return (
    <div className="space-y-2">
      <p className="text-zinc-700">
        <span className="font-medium text-zinc-900">Busy</span>
        <span className="text-zinc-500"> — from Google Calendar, no client</span>
      </p>
      {linking ? (
        <form onSubmit={onSubmit} noValidate className="space-y-2 sm:max-w-sm">
          <label htmlFor={id} className="block text-sm font-medium text-zinc-700">
            Link to a client
          </label>
          <ClientPicker
            id={id}
            value={picked}
            onChange={(client) => {
              setPicked(client);
              link.reset();
            }}
            invalid={Boolean(link.error)}
            aria-describedby={link.error ? errorId : undefined}
          />
          {link.error ? (
            <p id={errorId} role="alert" className="text-sm text-red-700">
              {userMessage(link.error)}
            </p>
          ) : null}
          <div className="flex gap-2">
            <Button type="submit" size="sm" disabled={!picked} loading={link.isPending}>
              Link
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setLinking(false);
                setPicked(null);
                link.reset();
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <Button size="sm" variant="secondary" onClick={() => setLinking(true)}>
          <Link2 className="size-4" aria-hidden="true" />
          Link to a client
        </Button>
      )}
    </div>
  );
}
