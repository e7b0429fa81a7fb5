import { BLOCKING_STATUSES, BOOKING_STATUS_LABELS } from "@crm/shared";
import type {
  DateSelectArg,
  DatesSetArg,
  EventClickArg,
  EventDropArg,
  EventInput,
  EventMountArg,
} from "@fullcalendar/core";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin, { type EventResizeDoneArg } from "@fullcalendar/interaction";
import listPlugin from "@fullcalendar/list";
import luxonPlugin from "@fullcalendar/luxon3";
import FullCalendar from "@fullcalendar/react";
import timeGridPlugin from "@fullcalendar/timegrid";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { dayKey, formatDayRange, formatTimeRange, startOfDay } from "../../lib/time";
import { cn } from "../../lib/utils";
import type { BookingView } from "../bookings/types";
import { Button } from "../ui/button";
import { Spinner } from "../ui/spinner";
import { BOOKING_TOOLTIP_ID, BookingTooltip } from "./booking-tooltip";
import "./calendar.css";
import { EventContent } from "./calendar-event";
import { CALENDAR_VIEWS, type CalendarView } from "./views";

const FC_VIEWS: Record<CalendarView, string> = {
  month: "dayGridMonth",
  week: "timeGridWeek",
  day: "timeGridDay",
  agenda: "listWeek",
};
const VIEW_LABELS: Record<CalendarView, string> = { month: "Month", week: "Week", day: "Day", agenda: "Agenda" };

function viewOf(fcView: string): CalendarView {
  return (Object.entries(FC_VIEWS).find(([, v]) => v === fcView)?.[0] as CalendarView | undefined) ?? "week";
}

export interface VisibleRange {
  from: Date;
  to: Date;
}

export interface BookingCalendarProps {
  zone: string;
  view: CalendarView;
  /** The day the view shows ("yyyy-MM-dd" in the zone). */
  date: string;
  bookings: readonly BookingView[];
  loading?: boolean;
  onNavigate: (view: CalendarView, date: string) => void;
  onRangeChange: (range: VisibleRange) => void;
  onSelectSlot: (start: Date, end: Date) => void;
  onOpenBooking: (booking: BookingView) => void;
  /** Resolves false when the server refused: the event goes back where it was. */
  onReschedule: (booking: BookingView, start: Date, end: Date) => Promise<boolean>;
}

const HOUR = 3600_000;

/** A booking's details as one sentence for screen readers (the visual tooltip says the same). */
function summary(booking: BookingView, zone: string): string {
  const parts = [
    booking.title,
    booking.clientName ? `with ${booking.clientName}` : booking.clientId ? null : "busy in Google Calendar",
    booking.allDay
      ? `${formatDayRange(booking.startsAt, booking.endsAt, zone)}, all day`
      : formatTimeRange(booking.startsAt, booking.endsAt, zone),
    BOOKING_STATUS_LABELS[booking.status],
    booking.syncConflict ? "overlaps another booking" : null,
    booking.location,
  ];
  return parts.filter(Boolean).join(", ");
}

export function BookingCalendar({
  zone,
  view,
  date,
  bookings,
  loading,
  onNavigate,
  onRangeChange,
  onSelectSlot,
  onOpenBooking,
  onReschedule,
}: BookingCalendarProps) {
  const calendarRef = useRef<FullCalendar>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const [title, setTitle] = useState("");
  const [tip, setTip] = useState<{ id: string; anchor: DOMRect } | null>(null);
  const byId = useMemo(() => new Map(bookings.map((b) => [b.id, b])), [bookings]);
  const byIdRef = useRef(byId);
  byIdRef.current = byId;
  const zoneRef = useRef(zone);
  zoneRef.current = zone;
  const cleanups = useRef(new WeakMap<HTMLElement, () => void>());

  const events = useMemo<EventInput[]>(
    () =>
      bookings.map((b) => {
        const movable = BLOCKING_STATUSES.includes(b.status);
        const busy = b.clientId === null;
        return {
          id: b.id,
          title: b.title,
          // All-day events from Google span whole days in the user's zone.
          ...(b.allDay
            ? { allDay: true, start: dayKey(b.startsAt, zone), end: dayKey(b.endsAt, zone) }
            : { start: b.startsAt, end: b.endsAt }),
          classNames: [
            "crm-ev",
            `crm-ev--${b.status}`,
            ...(busy ? ["crm-ev--busy"] : []),
            ...(b.syncConflict ? ["crm-ev--conflict"] : []),
          ],
          startEditable: movable && !b.allDay,
          durationEditable: movable && !b.allDay,
          extendedProps: { status: b.status, clientName: b.clientName },
        };
      }),
    [bookings, zone],
  );
  const hasAllDay = bookings.some((b) => b.allDay);

  // The URL decides what is shown: follow it (back/forward, links) when it differs from the calendar.
  useEffect(() => {
    const api = calendarRef.current?.getApi();
    if (!api) return;
    const wanted = FC_VIEWS[view];
    if (api.view.type !== wanted) api.changeView(wanted, date);
    else if (dayKey(api.getDate(), zone) !== date) api.gotoDate(date);
  }, [view, date, zone]);

  // Keep the spoken summaries current when bookings change under mounted events (status, title, zone).
  useEffect(() => {
    for (const el of rootRef.current?.querySelectorAll<HTMLElement>("[data-booking-id]") ?? []) {
      const booking = byId.get(el.dataset.bookingId ?? "");
      if (booking) el.setAttribute("aria-label", summary(booking, zone));
    }
  }, [byId, zone]);

  // Hide the tooltip when its booking goes away (deleted, or the range moved on).
  useEffect(() => {
    if (tip && !byId.has(tip.id)) setTip(null);
  }, [byId, tip]);

  useEffect(() => {
    if (!tip) return;
    const hide = () => setTip(null);
    window.addEventListener("scroll", hide, true);
    window.addEventListener("resize", hide);
    return () => {
      window.removeEventListener("scroll", hide, true);
      window.removeEventListener("resize", hide);
    };
  }, [tip]);

  const onDatesSet = useCallback(
    (arg: DatesSetArg) => {
      setTitle(arg.view.title);
      setTip(null);
      onRangeChange({ from: arg.view.activeStart, to: arg.view.activeEnd });
      const api = calendarRef.current?.getApi();
      if (api) onNavigate(viewOf(arg.view.type), dayKey(api.getDate(), zoneRef.current));
    },
    [onNavigate, onRangeChange],
  );

  const onEventDidMount = useCallback((arg: EventMountArg) => {
    const el = arg.el;
    const id = arg.event.id;
    const booking = byIdRef.current.get(id);
    el.dataset.bookingId = id;
    if (booking) el.setAttribute("aria-label", summary(booking, zoneRef.current));
    const show = () => {
      if (!byIdRef.current.has(id) || el.classList.contains("fc-event-dragging")) return;
      el.setAttribute("aria-describedby", BOOKING_TOOLTIP_ID);
      setTip({ id, anchor: el.getBoundingClientRect() });
    };
    const hide = () => {
      el.removeAttribute("aria-describedby");
      setTip((current) => (current?.id === id ? null : current));
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") hide();
    };
    el.addEventListener("mouseenter", show);
    el.addEventListener("mouseleave", hide);
    el.addEventListener("focus", show);
    el.addEventListener("blur", hide);
    el.addEventListener("keydown", onKey);
    cleanups.current.set(el, () => {
      el.removeEventListener("mouseenter", show);
      el.removeEventListener("mouseleave", hide);
      el.removeEventListener("focus", show);
      el.removeEventListener("blur", hide);
      el.removeEventListener("keydown", onKey);
    });
  }, []);

  const onEventWillUnmount = useCallback((arg: EventMountArg) => {
    cleanups.current.get(arg.el)?.();
    cleanups.current.delete(arg.el);
  }, []);

  const onSelect = useCallback(
    (arg: DateSelectArg) => {
      let start = arg.start;
      let end = arg.end;
      if (arg.allDay) {
        // A day in the month view: suggest 09:00–10:00 that day.
        const day = dayKey(arg.start, zoneRef.current);
        start = new Date(startOfDay(day, zoneRef.current).getTime() + 9 * HOUR);
        end = new Date(start.getTime() + HOUR);
      } else if (end.getTime() - start.getTime() <= HOUR / 2) {
        // A single click picks one slot; a session is more often an hour.
        end = new Date(start.getTime() + HOUR);
      }
      onSelectSlot(start, end);
    },
    [onSelectSlot],
  );

  const onEventClick = useCallback(
    (arg: EventClickArg) => {
      arg.jsEvent.preventDefault();
      setTip(null);
      const booking = byIdRef.current.get(arg.event.id);
      if (booking) onOpenBooking(booking);
    },
    [onOpenBooking],
  );

  const onEventChange = useCallback(
    async (arg: EventDropArg | EventResizeDoneArg) => {
      setTip(null);
      const booking = byIdRef.current.get(arg.event.id);
      const { start, end } = arg.event;
      if (!booking || !start || !end) {
        arg.revert();
        return;
      }
      const ok = await onReschedule(booking, start, end);
      if (!ok) arg.revert();
    },
    [onReschedule],
  );

  const api = () => calendarRef.current?.getApi();

  return (
    <div ref={rootRef} className="crm-calendar rounded-xl border border-zinc-200 bg-white shadow-xs">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-t-xl border-b border-zinc-200 px-3 py-3 sm:px-4">
        <div className="flex items-center gap-1">
          <Button variant="secondary" size="sm" onClick={() => api()?.today()}>
            Today
          </Button>
          <Button variant="ghost" size="sm" className="px-2" aria-label="Previous" onClick={() => api()?.prev()}>
            <ChevronLeft className="size-4" aria-hidden="true" />
          </Button>
          <Button variant="ghost" size="sm" className="px-2" aria-label="Next" onClick={() => api()?.next()}>
            <ChevronRight className="size-4" aria-hidden="true" />
          </Button>
        </div>
        <h2 className="min-w-0 flex-1 truncate text-base font-semibold text-zinc-900" aria-live="polite">
          {title}
        </h2>
        {loading ? <Spinner size="sm" label="Loading bookings" /> : null}
        <fieldset className="inline-flex rounded-lg bg-zinc-100 p-1">
          <legend className="sr-only">View</legend>
          {CALENDAR_VIEWS.map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              onClick={() => onNavigate(v, date)}
              className={cn(
                "rounded-md px-2.5 py-1 text-sm font-medium text-zinc-600 transition-colors hover:text-zinc-900 sm:px-3",
                view === v && "bg-white text-zinc-900 shadow-sm",
              )}
            >
              {VIEW_LABELS[v]}
            </button>
          ))}
        </fieldset>
      </div>
      <div
        className={cn(
          "crm-calendar-body",
          view === "month" && "h-[max(680px,calc(100dvh-15rem))]",
          (view === "week" || view === "day") && "h-[max(560px,calc(100dvh-15rem))]",
        )}
      >
        <FullCalendar
          ref={calendarRef}
          plugins={[dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin, luxonPlugin]}
          timeZone={zone}
          initialView={FC_VIEWS[view]}
          initialDate={date}
          headerToolbar={false}
          height={view === "agenda" ? "auto" : "100%"}
          eventDisplay="block"
          firstDay={1}
          nowIndicator
          navLinks
          navLinkDayClick={(day) => onNavigate("day", dayKey(day, zoneRef.current))}
          dayMaxEvents
          moreLinkClick="popover"
          slotEventOverlap={false}
          eventMaxStack={4}
          allDaySlot={hasAllDay}
          allDayText="All day"
          scrollTime="08:00:00"
          scrollTimeReset={false}
          slotDuration="00:30:00"
          slotLabelFormat={{ hour: "2-digit", minute: "2-digit", hour12: false }}
          eventTimeFormat={{ hour: "2-digit", minute: "2-digit", hour12: false }}
          views={{
            dayGridMonth: { displayEventEnd: false, dayHeaderFormat: { weekday: "short" } },
            timeGridWeek: { dayHeaderFormat: "ccc d" },
            timeGridDay: { dayHeaderFormat: "cccc d MMMM", titleFormat: "ccc d MMM yyyy" },
            listWeek: { listDayFormat: "cccc d MMMM", listDaySideFormat: false },
          }}
          selectable
          selectMirror
          unselectAuto
          select={onSelect}
          editable
          eventDrop={onEventChange}
          eventResize={onEventChange}
          eventDragStart={() => setTip(null)}
          eventResizeStart={() => setTip(null)}
          eventClick={onEventClick}
          eventDidMount={onEventDidMount}
          eventWillUnmount={onEventWillUnmount}
          eventContent={(arg) => <EventContent arg={arg} booking={byId.get(arg.event.id)} zone={zone} />}
          noEventsContent="No bookings in these days. Switch to Week or Day and click a time to book one."
          events={events}
          datesSet={onDatesSet}
        />
      </div>
      {tip && byId.get(tip.id) ? <BookingTooltip booking={byId.get(tip.id)!} anchor={tip.anchor} zone={zone} /> : null}
    </div>
  );
}
