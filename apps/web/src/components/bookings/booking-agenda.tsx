import { Link } from "@tanstack/react-router";
import { ChevronRight, Globe, MapPin, TriangleAlert } from "lucide-react";
import {
  dayKey,
  dayName,
  formatDayMonth,
  formatTime,
  formatTimeRange,
  relativeDayLabel,
  zoneLabel,
} from "../../lib/time";
import { cn } from "../../lib/utils";
import { StatusBadge, StatusDot } from "./status";
import type { BookingView } from "./types";

/** Bookings grouped by day in the user's zone, each linking to its page. */
export function BookingAgenda({
  bookings,
  zone,
  compact = false,
}: {
  bookings: readonly BookingView[];
  zone: string;
  /** Smaller rows without day headings' full width (the client page). */
  compact?: boolean;
}) {
  const groups: { day: string; items: BookingView[] }[] = [];
  for (const booking of bookings) {
    const day = dayKey(booking.startsAt, zone);
    const last = groups.at(-1);
    if (last?.day === day) last.items.push(booking);
    else groups.push({ day, items: [booking] });
  }
  const now = new Date();
  return (
    <div className="space-y-6">
      {groups.map(({ day, items }) => (
        <section key={day} aria-labelledby={`day-${day}`}>
          <h3
            id={`day-${day}`}
            className={cn(
              "mb-2 flex items-baseline gap-2 text-sm font-semibold text-zinc-900",
              compact && "text-xs tracking-wide text-zinc-500 uppercase",
            )}
          >
            {relativeDayLabel(day, zone, now)}
            {relativeDayLabel(day, zone, now) !== dayName(day, now, zone) ? (
              <span className={cn("font-normal text-zinc-500", compact ? "normal-case" : "text-xs")}>
                {dayName(day, now, zone)}
              </span>
            ) : null}
          </h3>
          <ul className="divide-y divide-zinc-100 overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs">
            {items.map((booking) => (
              <li key={booking.id}>
                <BookingRow booking={booking} zone={zone} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function BookingRow({ booking, zone }: { booking: BookingView; zone: string }) {
  const cancelled = booking.status === "cancelled";
  const otherZone = booking.timeZone && booking.timeZone !== zone ? booking.timeZone : null;
  return (
    <Link
      to="/bookings/$bookingId"
      params={{ bookingId: booking.id }}
      className="group flex items-center gap-3 px-4 py-3 transition-colors hover:bg-zinc-50 focus-visible:-outline-offset-2 sm:gap-4"
    >
      <div className="w-24 shrink-0 sm:w-28">
        <p className={cn("text-sm font-medium text-zinc-900 tabular-nums", cancelled && "text-zinc-500 line-through")}>
          {booking.allDay ? "All day" : formatTimeRange(booking.startsAt, booking.endsAt, zone)}
        </p>
        {booking.allDay && dayKey(lastDayOf(booking), zone) !== dayKey(booking.startsAt, zone) ? (
          <p className="mt-0.5 text-xs text-zinc-500">until {formatDayMonth(lastDayOf(booking), zone)}</p>
        ) : null}
        {otherZone && !booking.allDay ? (
          <p className="mt-0.5 flex items-center gap-1 text-xs text-zinc-500">
            <Globe className="size-3" aria-hidden="true" />
            {formatTime(booking.startsAt, otherZone)} {zoneLabel(otherZone)}
          </p>
        ) : null}
      </div>
      {/* Busy time from Google is grey, as on the calendar. */}
      <StatusDot
        status={booking.status}
        className={cn("shrink-0", !booking.clientId && booking.status !== "cancelled" && "border-0 bg-zinc-400")}
      />
      <div className="min-w-0 flex-1">
        <p className={cn("truncate text-sm font-medium text-zinc-900", cancelled && "text-zinc-500 line-through")}>
          {booking.title}
        </p>
        <p className="flex min-w-0 items-center gap-3 text-sm text-zinc-500">
          <span className="truncate">
            {booking.clientName ?? (booking.clientId ? "Client" : "Busy (Google Calendar)")}
          </span>
          {booking.syncConflict ? (
            <span className="inline-flex shrink-0 items-center gap-1 font-medium text-red-700">
              <TriangleAlert className="size-3.5" aria-hidden="true" />
              Overlaps
            </span>
          ) : null}
          {booking.location ? (
            <span className="hidden min-w-0 items-center gap-1 truncate sm:inline-flex">
              <MapPin className="size-3.5 shrink-0" aria-hidden="true" />
              <span className="truncate">{booking.location}</span>
            </span>
          ) : null}
        </p>
      </div>
      <StatusBadge status={booking.status} />
      <ChevronRight className="size-4 shrink-0 text-zinc-300 group-hover:text-zinc-500" aria-hidden="true" />
    </Link>
  );
}

/** The last day an all-day booking covers (its end is the midnight after it). */
function lastDayOf(booking: BookingView): Date {
  return new Date(Math.max(booking.startsAt.getTime(), booking.endsAt.getTime() - 1));
}
