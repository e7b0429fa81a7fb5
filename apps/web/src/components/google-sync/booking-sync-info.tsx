import { CalendarCheck2 } from "lucide-react";
import { useId, useState } from "react";
import { userMessage } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { ClientPicker, type PickedClient } from "../bookings/client-picker";
import type { BookingView } from "../bookings/types";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { useToast } from "../ui/toast";

/** What sync has to say about a booking: a conflict to resolve, a notice to read, the Google link. */
export function BookingSyncAlerts({ booking }: { booking: BookingView }) {
  const utils = trpc.useUtils();
  const dismiss = trpc.calendarSync.dismissNotice.useMutation({
    onSuccess: () => {
      void utils.bookings.get.invalidate({ id: booking.id });
      void utils.calendarSync.status.invalidate();
    },
  });
  if (!booking.syncConflict && !booking.syncNotice) return null;
  return (
    <div className="mb-6 space-y-3">
      {booking.syncConflict ? (
        <Alert variant="error" title="This booking overlaps another one">
          {booking.syncConflict}. It was moved in Google Calendar onto a time that is already booked: reschedule or
          cancel one of them.
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

/** "In Google Calendar" next to the booking's status. */
export function InGoogleBadge({ booking }: { booking: BookingView }) {
  if (!booking.inGoogle) return null;
  return (
    <span className="inline-flex items-center gap-1 text-xs font-medium text-zinc-500">
      <CalendarCheck2 className="size-3.5 text-emerald-600" aria-hidden="true" />
      In Google Calendar
    </span>
  );
}

/** A busy block from Google has no client: say where it came from and offer to link one. */
export function BusyBlockClient({ booking }: { booking: BookingView }) {
  const id = useId();
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const [linking, setLinking] = useState(false);
  const [picked, setPicked] = useState<PickedClient | null>(null);
  const link = trpc.bookings.update.useMutation({
    onSuccess: (saved) => {
      utils.bookings.get.setData({ id: booking.id }, saved);
      void utils.bookings.invalidate();
      setLinking(false);
      toast({ title: "Linked", description: `${saved.title} is now with ${saved.clientName}.` });
    },
  });
  return (
    <div className="space-y-2">
      <p className="text-zinc-700">
        <span className="font-medium">Busy</span>
        <span className="text-zinc-500"> — from Google Calendar, no client</span>
      </p>
      {linking ? (
        <div className="space-y-2 sm:max-w-sm">
          <label htmlFor={id} className="text-xs font-medium text-zinc-600">
            Client
          </label>
          <ClientPicker id={id} value={picked} onChange={setPicked} />
          {link.error ? <p className="text-sm text-red-700">{userMessage(link.error)}</p> : null}
          <div className="flex gap-2">
            <Button
              size="sm"
              disabled={!picked}
              loading={link.isPending}
              onClick={() => picked && link.mutate({ id: booking.id, version: booking.version, clientId: picked.id })}
            >
              Link
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setLinking(false)}>
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <Button size="sm" variant="secondary" onClick={() => setLinking(true)}>
          Link to a client
        </Button>
      )}
    </div>
  );
}
