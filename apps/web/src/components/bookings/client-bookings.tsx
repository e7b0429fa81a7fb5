import { CalendarPlus, History } from "lucide-react";
import { useState } from "react";
import { useUserTimeZone } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { QueryError } from "../query-state";
import { Button } from "../ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Skeleton } from "../ui/skeleton";
import { BookingAgenda } from "./booking-agenda";
import { BookingFormDialog } from "./booking-form";

const PAST_PREVIEW = 5;

/**
 * A client's bookings for the client page: upcoming first, then past ones, and a "New booking" button
 * with the client already chosen.
 */
export function ClientBookings({ clientId, clientName }: { clientId: string; clientName?: string }) {
  const zone = useUserTimeZone();
  const [formOpen, setFormOpen] = useState(false);
  const [showAllPast, setShowAllPast] = useState(false);
  const bookings = trpc.bookings.forClient.useQuery({ clientId });
  const client = trpc.clients.get.useQuery({ id: clientId }, { enabled: !clientName });
  const name = clientName ?? client.data?.name ?? bookings.data?.upcoming[0]?.clientName ?? "";

  const upcoming = bookings.data?.upcoming ?? [];
  const past = bookings.data?.past ?? [];
  const pastShown = showAllPast ? past : past.slice(0, PAST_PREVIEW);

  return (
    <Card>
      <CardHeader className="flex flex-row items-start justify-between gap-4 space-y-0">
        <div className="space-y-1">
          <CardTitle>Bookings</CardTitle>
          <CardDescription>
            {bookings.data
              ? `${upcoming.length} upcoming · ${past.length} past`
              : `Sessions with this client, in ${zone.replaceAll("_", " ")} time.`}
          </CardDescription>
        </div>
        <Button size="sm" onClick={() => setFormOpen(true)}>
          <CalendarPlus className="size-4" aria-hidden="true" />
          New booking
        </Button>
      </CardHeader>
      <CardContent className="space-y-6">
        {bookings.isPending ? (
          <div className="space-y-2" role="status" aria-busy="true" aria-label="Loading bookings">
            <Skeleton className="h-4 w-24" />
            <Skeleton className="h-14 w-full rounded-xl" />
            <Skeleton className="h-14 w-full rounded-xl" />
          </div>
        ) : bookings.isError ? (
          <QueryError query={bookings} title="Could not load the bookings" />
        ) : upcoming.length === 0 && past.length === 0 ? (
          <p className="rounded-lg border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-500">
            No bookings with {name || "this client"} yet.
          </p>
        ) : (
          <>
            {upcoming.length ? (
              <BookingAgenda bookings={upcoming} zone={zone} compact />
            ) : (
              <p className="text-sm text-zinc-500">Nothing upcoming.</p>
            )}
            {past.length ? (
              <section aria-labelledby={`past-${clientId}`} className="space-y-3">
                <h3
                  id={`past-${clientId}`}
                  className="flex items-center gap-2 border-t border-zinc-100 pt-5 text-sm font-semibold text-zinc-900"
                >
                  <History className="size-4 text-zinc-400" aria-hidden="true" />
                  Past
                </h3>
                <BookingAgenda bookings={pastShown} zone={zone} compact />
                {past.length > PAST_PREVIEW ? (
                  <Button variant="ghost" size="sm" onClick={() => setShowAllPast((v) => !v)}>
                    {showAllPast ? "Show fewer" : `Show all ${past.length} past bookings`}
                  </Button>
                ) : null}
              </section>
            ) : null}
          </>
        )}
      </CardContent>
      <BookingFormDialog
        open={formOpen}
        onOpenChange={setFormOpen}
        draft={{ client: name ? { id: clientId, name } : { id: clientId, name: "This client" } }}
      />
    </Card>
  );
}
