import { BOOKING_STATUS_LABELS, BOOKING_STATUSES, type BookingStatus } from "@crm/shared";
import { keepPreviousData } from "@tanstack/react-query";
import { createFileRoute, Link } from "@tanstack/react-router";
import { CalendarCheck, CalendarDays, CalendarPlus, History } from "lucide-react";
import { useMemo, useState } from "react";
import { BookingAgenda } from "../../../components/bookings/booking-agenda";
import { BookingFormDialog } from "../../../components/bookings/booking-form";
import { CalendarFeedCard } from "../../../components/bookings/calendar-feed";
import { TimeZoneNotice } from "../../../components/bookings/time-zone-notice";
import { PageHeader } from "../../../components/page-header";
import { QueryState } from "../../../components/query-state";
import { Button } from "../../../components/ui/button";
import { ButtonLink } from "../../../components/ui/button-link";
import { EmptyState } from "../../../components/ui/empty-state";
import { Skeleton, SkeletonLines } from "../../../components/ui/skeleton";
import { useUserTimeZone } from "../../../lib/time";
import { trpc } from "../../../lib/trpc";
import { cn } from "../../../lib/utils";

type Tab = "upcoming" | "past";

interface BookingsSearch {
  tab?: Tab;
  status?: BookingStatus;
}

export const Route = createFileRoute("/_authed/bookings/")({
  validateSearch: (search: Record<string, unknown>): BookingsSearch => ({
    ...(search.tab === "past" ? { tab: "past" as const } : {}),
    ...(BOOKING_STATUSES.includes(search.status as BookingStatus) ? { status: search.status as BookingStatus } : {}),
  }),
  component: BookingsPage,
});

const DAY = 24 * 3600_000;
/** How far the lists look ahead and back (the API answers at most about a year at a time). */
const WINDOW = 365 * DAY;

function BookingsPage() {
  const { tab = "upcoming", status } = Route.useSearch();
  const zone = useUserTimeZone();
  const [formOpen, setFormOpen] = useState(false);
  // One "now" per visit keeps the query stable; a minute's precision is plenty for a list.
  const [now] = useState(() => new Date(Math.floor(Date.now() / 60_000) * 60_000));
  const range =
    tab === "upcoming"
      ? { from: now, to: new Date(now.getTime() + WINDOW) }
      : { from: new Date(now.getTime() - WINDOW), to: now };
  const list = trpc.bookings.list.useQuery(range, { placeholderData: keepPreviousData });

  const inTab = useMemo(() => {
    const all = list.data ?? [];
    if (tab === "upcoming") return all.filter((b) => b.endsAt > now);
    return all.filter((b) => b.endsAt <= now).sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime());
  }, [list.data, tab, now]);
  const counts = useMemo(() => {
    const c: Record<BookingStatus, number> = { proposed: 0, confirmed: 0, completed: 0, cancelled: 0 };
    for (const b of inTab) c[b.status]++;
    return c;
  }, [inTab]);
  const shown = status ? inTab.filter((b) => b.status === status) : inTab;

  return (
    <>
      <PageHeader
        title="Bookings"
        description={`Your sessions, by day. Times in ${zone.replaceAll("_", " ")}.`}
        actions={
          <>
            <ButtonLink to="/calendar" icon={CalendarDays}>
              Calendar
            </ButtonLink>
            <Button onClick={() => setFormOpen(true)}>
              <CalendarPlus className="size-4" aria-hidden="true" />
              New booking
            </Button>
          </>
        }
      />
      <TimeZoneNotice />

      <div className="mb-5 flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <nav aria-label="Upcoming or past" className="inline-flex self-start rounded-lg bg-zinc-200/60 p-1">
          {(
            [
              ["upcoming", "Upcoming", CalendarCheck],
              ["past", "Past", History],
            ] as const
          ).map(([value, label, Icon]) => (
            <Link
              key={value}
              to="/bookings"
              search={{ ...(value === "past" ? { tab: "past" as const } : {}), ...(status ? { status } : {}) }}
              aria-current={tab === value ? "page" : undefined}
              className={cn(
                "inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium text-zinc-600 transition-colors hover:text-zinc-900",
                tab === value && "bg-white text-zinc-900 shadow-sm",
              )}
            >
              <Icon className="size-4" aria-hidden="true" />
              {label}
            </Link>
          ))}
        </nav>
        <fieldset className="flex flex-wrap gap-1.5">
          <legend className="sr-only">Filter by status</legend>
          <FilterChip tab={tab} active={!status} label="All" count={inTab.length} />
          {BOOKING_STATUSES.map((s) => (
            <FilterChip
              key={s}
              tab={tab}
              status={s}
              active={status === s}
              label={BOOKING_STATUS_LABELS[s]}
              count={counts[s]}
            />
          ))}
        </fieldset>
      </div>

      <div className="mb-10">
        <QueryState
          query={list}
          pending={<AgendaSkeleton />}
          errorTitle="Could not load your bookings"
          isEmpty={() => shown.length === 0}
          empty={
            <EmptyState
              icon={tab === "upcoming" ? CalendarCheck : History}
              title={
                status
                  ? `No ${tab} ${BOOKING_STATUS_LABELS[status].toLowerCase()} bookings`
                  : tab === "upcoming"
                    ? "Nothing booked yet"
                    : "No past bookings"
              }
              description={
                tab === "upcoming"
                  ? "Book a session with a client here, from the calendar, or from the client's page."
                  : "Sessions from the last twelve months show up here once they are over."
              }
              action={
                tab === "upcoming" ? (
                  <Button onClick={() => setFormOpen(true)}>
                    <CalendarPlus className="size-4" aria-hidden="true" />
                    New booking
                  </Button>
                ) : undefined
              }
            />
          }
        >
          {() => (
            <div className={cn("transition-opacity", list.isPlaceholderData && "opacity-60")}>
              <BookingAgenda bookings={shown} zone={zone} />
            </div>
          )}
        </QueryState>
      </div>

      <CalendarFeedCard />
      <BookingFormDialog open={formOpen} onOpenChange={setFormOpen} />
    </>
  );
}

function FilterChip({
  tab,
  status,
  active,
  label,
  count,
}: {
  tab: Tab;
  status?: BookingStatus;
  active: boolean;
  label: string;
  count: number;
}) {
  return (
    <Link
      to="/bookings"
      search={{ ...(tab === "past" ? { tab: "past" as const } : {}), ...(status ? { status } : {}) }}
      aria-current={active ? "true" : undefined}
      className={cn(
        "inline-flex h-8 items-center gap-1.5 rounded-full px-3 text-sm font-medium ring-1 ring-inset transition-colors",
        active
          ? "bg-indigo-50 text-indigo-700 ring-indigo-200"
          : "bg-white text-zinc-600 ring-zinc-200 hover:bg-zinc-50 hover:text-zinc-900",
      )}
    >
      {label}
      <span className={cn("text-xs tabular-nums", active ? "text-indigo-700" : "text-zinc-500")}>{count}</span>
    </Link>
  );
}

function AgendaSkeleton() {
  return (
    <div className="space-y-6" role="status" aria-busy="true" aria-label="Loading bookings">
      {["a", "b"].map((k) => (
        <div key={k} className="space-y-2">
          <Skeleton className="h-4 w-32" />
          <div className="space-y-px overflow-hidden rounded-xl border border-zinc-200 bg-white">
            {["1", "2", "3"].map((r) => (
              <div key={r} className="flex items-center gap-4 px-4 py-3">
                <Skeleton className="h-4 w-20" />
                <SkeletonLines lines={["h-4 w-1/3", "h-3 w-1/4"]} />
                <Skeleton className="h-5 w-20 rounded-full" />
              </div>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
