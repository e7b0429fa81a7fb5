import { Clock, Globe, MapPin, UserRound } from "lucide-react";
import { useLayoutEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { formatDayRange, formatShortDate, formatTime, formatTimeRange, zoneLabel } from "../../lib/time";
import { StatusBadge } from "../bookings/status";
import type { BookingView } from "../bookings/types";

export const BOOKING_TOOLTIP_ID = "booking-tooltip";

/**
 * The details of the booking under the pointer or keyboard focus, next to it. The event element points
 * at it with aria-describedby while it is shown.
 */
export function BookingTooltip({ booking, anchor, zone }: { booking: BookingView; anchor: DOMRect; zone: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ left: number; top: number } | null>(null);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    const gap = 8;
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    // Beside the event when there is room (it stays visible), else below or above it.
    let left = anchor.right + gap;
    let top = anchor.top;
    if (left + width > vw - gap) left = anchor.left - width - gap;
    if (left < gap) {
      left = Math.min(Math.max(gap, anchor.left), vw - width - gap);
      top = anchor.bottom + gap;
      if (top + height > vh - gap) top = anchor.top - height - gap;
    }
    top = Math.min(Math.max(gap, top), vh - height - gap);
    setPosition({ left, top });
  }, [anchor]);

  const clientZone = booking.timeZone && booking.timeZone !== zone ? booking.timeZone : null;
  return createPortal(
    <div
      ref={ref}
      id={BOOKING_TOOLTIP_ID}
      role="tooltip"
      className="pointer-events-none fixed z-50 w-72 rounded-xl border border-zinc-200 bg-white p-4 text-sm shadow-xl ring-1 ring-black/5"
      style={position ? { left: position.left, top: position.top } : { left: -9999, top: 0, visibility: "hidden" }}
    >
      <div className="flex items-start justify-between gap-3">
        <p className={`font-semibold text-zinc-900 ${booking.status === "cancelled" ? "line-through" : ""}`}>
          {booking.title}
        </p>
        <StatusBadge status={booking.status} />
      </div>
      <dl className="mt-3 space-y-1.5 text-zinc-700">
        <div className="flex items-start gap-2">
          <dt className="sr-only">Client</dt>
          <UserRound className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden="true" />
          <dd>{booking.clientName ?? (booking.clientId ? "Client" : "Busy (Google Calendar)")}</dd>
        </div>
        <div className="flex items-start gap-2">
          <dt className="sr-only">When</dt>
          <Clock className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden="true" />
          {booking.allDay ? (
            <dd>
              {formatDayRange(booking.startsAt, booking.endsAt, zone)}
              <br />
              <span className="font-medium text-zinc-900">All day</span>
            </dd>
          ) : (
            <dd>
              {formatShortDate(booking.startsAt, zone)}
              <br />
              <span className="font-medium text-zinc-900 tabular-nums">
                {formatTimeRange(booking.startsAt, booking.endsAt, zone)}
              </span>{" "}
              <span className="text-zinc-500">your time</span>
            </dd>
          )}
        </div>
        {clientZone && !booking.allDay ? (
          <div className="flex items-start gap-2">
            <dt className="sr-only">Client's time</dt>
            <Globe className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden="true" />
            <dd>
              {formatTime(booking.startsAt, clientZone)} in {zoneLabel(clientZone)}
            </dd>
          </div>
        ) : null}
        {booking.location ? (
          <div className="flex items-start gap-2">
            <dt className="sr-only">Location</dt>
            <MapPin className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden="true" />
            <dd className="min-w-0 break-words">{booking.location}</dd>
          </div>
        ) : null}
      </dl>
      {booking.syncConflict ? (
        <p className="mt-3 rounded-md bg-red-50 px-2 py-1.5 text-xs font-medium text-red-800">{booking.syncConflict}</p>
      ) : null}
    </div>,
    document.body,
  );
}
