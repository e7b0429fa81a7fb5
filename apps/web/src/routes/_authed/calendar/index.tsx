import { keepPreviousData } from "@tanstack/react-query";
import { createFileRoute, useNavigate } from "@tanstack/react-router";
import { CalendarPlus, List } from "lucide-react";
import { useCallback, useState } from "react";
import { type BookingDraft, BookingFormDialog } from "../../../components/bookings/booking-form";
import { TimeZoneNotice } from "../../../components/bookings/time-zone-notice";
import type { BookingView } from "../../../components/bookings/types";
import { BookingCalendar, type VisibleRange } from "../../../components/calendar/booking-calendar";
import { CALENDAR_VIEWS, type CalendarView } from "../../../components/calendar/views";
import { PageHeader } from "../../../components/page-header";
import { QueryError } from "../../../components/query-state";
import { Button } from "../../../components/ui/button";
import { ButtonLink } from "../../../components/ui/button-link";
import { useToast } from "../../../components/ui/toast";
import { userMessage } from "../../../lib/errors";
import { dayKey, formatDateTime, useUserTimeZone } from "../../../lib/time";
import { trpc } from "../../../lib/trpc";

interface CalendarSearch {
  view?: CalendarView;
  date?: string;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export const Route = createFileRoute("/_authed/calendar/")({
  validateSearch: (search: Record<string, unknown>): CalendarSearch => ({
    ...(CALENDAR_VIEWS.includes(search.view as CalendarView) ? { view: search.view as CalendarView } : {}),
    ...(typeof search.date === "string" && DAY_PATTERN.test(search.date) && !Number.isNaN(Date.parse(search.date))
      ? { date: search.date }
      : {}),
  }),
  staticData: { layout: "wide" },
  component: CalendarPage,
});

/** Phones get the agenda by default: seven columns do not fit 375 pixels. */
function defaultView(): CalendarView {
  return typeof window !== "undefined" && window.matchMedia("(max-width: 639px)").matches ? "agenda" : "week";
}

function CalendarPage() {
  const search = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  const zone = useUserTimeZone();
  const { toast } = useToast();
  const utils = trpc.useUtils();
  const [fallbackView] = useState(defaultView);
  const view = search.view ?? fallbackView;
  const date = search.date ?? dayKey(new Date(), zone);
  const [range, setRange] = useState<VisibleRange | null>(null);
  const [draft, setDraft] = useState<BookingDraft | null>(null);

  const list = trpc.bookings.list.useQuery(range ?? { from: new Date(0), to: new Date(1) }, {
    enabled: Boolean(range),
    placeholderData: keepPreviousData,
  });

  const onNavigate = useCallback(
    (nextView: CalendarView, nextDate: string) => {
      if (nextView === search.view && nextDate === search.date) return;
      void navigate({ search: { view: nextView, date: nextDate }, replace: true });
    },
    [navigate, search.view, search.date],
  );

  const onRangeChange = useCallback((next: VisibleRange) => {
    setRange((current) =>
      current && current.from.getTime() === next.from.getTime() && current.to.getTime() === next.to.getTime()
        ? current
        : next,
    );
  }, []);

  const update = trpc.bookings.update.useMutation();
  const onReschedule = useCallback(
    async (booking: BookingView, start: Date, end: Date) => {
      try {
        const saved = await update.mutateAsync({
          id: booking.id,
          version: booking.version,
          startsAt: start,
          endsAt: end,
        });
        utils.bookings.get.setData({ id: saved.id }, saved);
        toast({ title: "Booking moved", description: `${saved.title}, now ${formatDateTime(start, zone)}` });
        await utils.bookings.invalidate();
        return true;
      } catch (error) {
        toast({ title: "Could not move the booking", description: userMessage(error), variant: "error" });
        // A stale version means someone else changed it: show the current state.
        await utils.bookings.list.invalidate();
        return false;
      }
    },
    [update, utils, toast, zone],
  );

  return (
    <>
      <PageHeader
        title="Calendar"
        description={`Your sessions in ${zone.replaceAll("_", " ")} time. Click a free time to book, drag a booking to move it.`}
        actions={
          <>
            <ButtonLink to="/bookings" icon={List}>
              List
            </ButtonLink>
            <Button onClick={() => setDraft({})}>
              <CalendarPlus className="size-4" aria-hidden="true" />
              New booking
            </Button>
          </>
        }
      />
      <TimeZoneNotice />
      {list.isError ? <QueryError query={list} title="Could not load your bookings" className="mb-4" /> : null}
      <BookingCalendar
        zone={zone}
        view={view}
        date={date}
        bookings={list.data ?? []}
        loading={list.isFetching}
        onNavigate={onNavigate}
        onRangeChange={onRangeChange}
        onSelectSlot={(startsAt, endsAt) => setDraft({ startsAt, endsAt })}
        onOpenBooking={(booking) => void navigate({ to: "/bookings/$bookingId", params: { bookingId: booking.id } })}
        onReschedule={onReschedule}
      />
      <BookingFormDialog open={draft !== null} onOpenChange={(open) => !open && setDraft(null)} draft={draft} />
    </>
  );
}
