import { BOOKING_STATUS_LABELS } from "@crm/shared";
import type { EventContentArg } from "@fullcalendar/core";
import { formatTime, formatTimeRange } from "../../lib/time";
import { StatusBadge } from "../bookings/status";
import type { BookingView } from "../bookings/types";

/** What a booking shows inside the calendar: time, title, client and status, by view. */
export function EventContent({
  arg,
  booking,
  zone,
}: {
  arg: EventContentArg;
  booking: BookingView | undefined;
  zone: string;
}) {
  const start = arg.event.start;
  const end = arg.event.end;
  const status = booking?.status ?? "proposed";
  const busy = booking ? !booking.clientId : false;
  const time = start && !arg.event.allDay ? formatTime(start, zone) : "";
  // Busy time from Google says so next to its title, in grey (not a client's booking).
  const title = (
    <span className="crm-ev-title">
      {arg.event.title}
      {busy ? <span className="crm-ev-source"> (Google)</span> : null}
    </span>
  );
  if (arg.view.type.startsWith("list")) {
    return (
      <span className="crm-ev-list">
        {title}
        {booking?.clientName ? (
          <span className="crm-ev-client">{booking.clientName}</span>
        ) : busy ? (
          <span className="crm-ev-client">Busy (Google Calendar)</span>
        ) : null}
        {booking?.syncConflict ? <span className="crm-ev-conflict">Overlaps</span> : null}
        <StatusBadge status={status} />
      </span>
    );
  }
  if (arg.view.type.startsWith("dayGrid") || arg.event.allDay) {
    return (
      <span className="crm-ev-line">
        {time ? <span className="crm-ev-time">{time}</span> : null}
        {title}
        <span className="sr-only">
          , {busy ? "busy in Google Calendar, " : ""}
          {booking?.syncConflict ? "overlaps another booking, " : ""}
          {BOOKING_STATUS_LABELS[status]}
        </span>
      </span>
    );
  }
  return (
    <span className="crm-ev-block">
      <span className="crm-ev-head">
        <span className="crm-ev-time">{start && end && !arg.isMirror ? time : timeRange(start, end, zone)}</span>
        {title}
      </span>
      <span className="crm-ev-meta">
        {booking?.clientName ? `${booking.clientName} · ` : busy ? "Busy in Google Calendar · " : ""}
        {booking?.syncConflict ? "Overlaps · " : ""}
        {BOOKING_STATUS_LABELS[status]}
      </span>
    </span>
  );
}

export function timeRange(start: Date | null, end: Date | null, zone: string): string {
  if (!start) return "";
  return end ? formatTimeRange(start, end, zone) : formatTime(start, zone);
}
