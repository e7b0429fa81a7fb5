import { BOOKING_STATUS_LABELS, type BookingStatus } from "@crm/shared";
import { useState } from "react";
import { downloadText } from "../../lib/download";
import { userMessage } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { useToast } from "../ui/toast";
import type { BookingView } from "./types";

/** Status changes, deletion and the .ics download for one booking, with toasts for the outcome. */
export function useBookingActions(booking: BookingView | undefined) {
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const [transitionError, setTransitionError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);

  const transition = trpc.bookings.transition.useMutation({
    onMutate: () => setTransitionError(null),
    onSuccess: async (saved) => {
      utils.bookings.get.setData({ id: saved.id }, saved);
      toast({ title: `Booking ${BOOKING_STATUS_LABELS[saved.status].toLowerCase()}`, description: saved.title });
      await utils.bookings.invalidate();
    },
    onError: (error) => {
      const message = userMessage(error);
      setTransitionError(message);
      toast({ title: "Could not change the status", description: message, variant: "error" });
      // The booking may have changed elsewhere (stale version): show its current state.
      if (booking) void utils.bookings.get.invalidate({ id: booking.id });
    },
  });

  const remove = trpc.bookings.delete.useMutation({
    onSuccess: async () => {
      toast({ title: "Booking deleted", description: booking?.title });
      await utils.bookings.list.invalidate();
      await utils.bookings.forClient.invalidate();
    },
  });

  async function downloadIcs() {
    if (!booking) return;
    setDownloading(true);
    try {
      const file = await utils.bookings.ics.fetch({ id: booking.id }, { staleTime: 0 });
      downloadText(file.filename, file.content, "text/calendar;charset=utf-8");
    } catch (error) {
      toast({ title: "Could not download the .ics file", description: userMessage(error), variant: "error" });
    } finally {
      setDownloading(false);
    }
  }

  return {
    transition: (to: BookingStatus) => {
      if (booking) transition.mutate({ id: booking.id, version: booking.version, to });
    },
    transitionPending: transition.isPending ? transition.variables?.to : undefined,
    transitionError,
    clearTransitionError: () => setTransitionError(null),
    remove,
    downloadIcs,
    downloading,
  };
}
