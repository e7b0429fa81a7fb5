import { keepPreviousData } from "@tanstack/react-query";
import { createFileRoute, Link } from "@tanstack/react-router";
import { ArrowUpRight, Mail, RefreshCw, X } from "lucide-react";
import { EmailStatusBadge, kindLabel } from "../../../components/emails/email-status";
import { PageHeader } from "../../../components/page-header";
import { LoadMore, QueryState } from "../../../components/query-state";
import { Alert } from "../../../components/ui/alert";
import { Button } from "../../../components/ui/button";
import { EmptyState } from "../../../components/ui/empty-state";
import { Skeleton } from "../../../components/ui/skeleton";
import { Th } from "../../../components/ui/table";
import { formatFull, formatWhen, useUserTimeZone } from "../../../lib/time";
import { type RouterOutputs, trpc } from "../../../lib/trpc";
import { cn } from "../../../lib/utils";

type Email = RouterOutputs["emails"]["list"]["items"][number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface EmailsSearch {
  /** Only the emails of one booking. */
  booking?: string;
}

export const Route = createFileRoute("/_authed/emails/")({
  validateSearch: (search: Record<string, unknown>): EmailsSearch => ({
    booking: typeof search.booking === "string" && UUID.test(search.booking) ? search.booking : undefined,
  }),
  staticData: { layout: "wide" },
  component: EmailsPage,
});

/** Messages that will change soon on their own (being sent, or due now): worth refreshing for. */
function settling(items: readonly Email[]): boolean {
  const soon = Date.now() + 60_000;
  return items.some(
    (e) => e.status === "sending" || (e.status === "scheduled" && e.scheduledFor && e.scheduledFor.getTime() < soon),
  );
}

/**
 * A message whose recipient was erased (privacy.eraseClient, or purged from Trash): address, subject,
 * body and booking link are gone; only kind, status and times remain. Every other message has an
 * address or a booking.
 */
function erased(email: Email): boolean {
  return !email.to && !email.bookingId;
}

function EmailsPage() {
  const { booking } = Route.useSearch();
  const list = trpc.emails.list.useInfiniteQuery(
    { bookingId: booking },
    {
      getNextPageParam: (last) => last.nextCursor,
      placeholderData: keepPreviousData,
      staleTime: 5_000,
      refetchInterval: (query) => (settling(query.state.data?.pages.flatMap((p) => p.items) ?? []) ? 4_000 : false),
    },
  );
  const health = trpc.emails.deliveryHealth.useQuery(undefined, { staleTime: 60_000 });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const outbox = items.some((e) => e.provider === "outbox");

  return (
    <>
      <PageHeader
        title="Sent emails"
        description="Every message sent to your clients, with what happened to it."
        actions={
          <Button
            variant="secondary"
            onClick={() => {
              void list.refetch();
              void health.refetch();
            }}
            disabled={list.isFetching && !list.isFetchingNextPage}
          >
            <RefreshCw
              className={cn("size-4", list.isFetching && !list.isFetchingNextPage && "animate-spin")}
              aria-hidden="true"
            />
            Refresh
          </Button>
        }
      />
      <div className="space-y-4">
        {health.data?.warning ? (
          <Alert variant="error" title="Many emails are bouncing">
            {health.data.bounced} of {health.data.sent} emails sent in the last 24 hours bounced (
            {Math.round(health.data.rate * 100)}%). Check your clients' addresses: a high bounce rate can get your
            emails blocked.
          </Alert>
        ) : null}
        {outbox ? (
          <Alert variant="info" title="Email is not configured: messages stay here in the outbox">
            Nothing leaves the server until an email provider is set up (RESEND_API_KEY). Your clients have not received
            the messages marked “outbox”.
          </Alert>
        ) : null}
        {booking ? (
          <div className="flex items-center gap-2 text-sm text-zinc-600">
            <span>Showing the emails of one booking.</span>
            <Link
              to="/emails"
              className="inline-flex items-center gap-1 rounded-md font-medium text-indigo-600 hover:text-indigo-700"
            >
              <X className="size-3.5" aria-hidden="true" />
              Show all
            </Link>
          </div>
        ) : null}

        <QueryState
          query={list}
          pending={<TableSkeleton />}
          errorTitle="Could not load your emails"
          isEmpty={() => items.length === 0}
          empty={
            <EmptyState
              icon={Mail}
              title="No emails yet"
              description="Reminders appear here as soon as a booking schedules one: the day before each session, at the same time."
              action={
                <Button variant="secondary" asChild>
                  <Link to="/bookings">Go to bookings</Link>
                </Button>
              }
            />
          }
        >
          {() => (
            <>
              <EmailTable items={items} />
              <LoadMore query={list} className="flex justify-center" />
              {!list.hasNextPage && items.length > 30 ? (
                <p className="text-center text-sm text-zinc-500">That's every email.</p>
              ) : null}
            </>
          )}
        </QueryState>
      </div>
    </>
  );
}

function EmailTable({ items }: { items: readonly Email[] }) {
  const zone = useUserTimeZone();
  return (
    <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-xs">
      <table className="w-full text-sm">
        <caption className="sr-only">Emails, newest first. Times are in {zone}.</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50/80 text-xs text-zinc-500">
          <tr>
            <Th className="pr-4 pl-4 sm:pl-5">To</Th>
            <Th className="hidden sm:table-cell">Subject</Th>
            <Th>Status</Th>
            <Th className="hidden text-right md:table-cell">Attempts</Th>
            <Th className="hidden lg:table-cell">
              When <span className="font-normal text-zinc-500">({zone})</span>
            </Th>
            <Th className="hidden pr-5 pl-4 text-right sm:table-cell">
              <span className="sr-only">Booking</span>
            </Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {items.map((email) => (
            <tr key={email.id} data-email-id={email.id} className="align-top hover:bg-zinc-50/60">
              <td className="max-w-48 py-3 pr-4 pl-4 sm:max-w-56 sm:pl-5">
                {email.to ? (
                  <span className="block truncate font-medium text-zinc-900" title={email.to}>
                    {email.to}
                  </span>
                ) : email.booking?.clientEmail ? (
                  // Not sent yet: it will go to the client's address as it is then.
                  <span
                    className="block truncate text-zinc-600"
                    title={`Goes to ${email.booking.clientEmail} (the client's address when it is sent)`}
                  >
                    {email.booking.clientEmail}
                  </span>
                ) : erased(email) ? (
                  <span className="text-zinc-500" title="The recipient's data was erased (privacy)">
                    Erased
                  </span>
                ) : (
                  <span className="text-zinc-500" title="Filled in when the email is sent">
                    —
                  </span>
                )}
                <span className="mt-0.5 block text-xs text-zinc-500">{kindLabel(email.kind)}</span>
                {email.subject ? (
                  <span className="mt-1 line-clamp-2 text-zinc-700 sm:hidden">{email.subject}</span>
                ) : null}
                {email.text ? <MessageText text={email.text} className="sm:hidden" /> : null}
                {email.bookingId ? (
                  <Link
                    to="/bookings/$bookingId"
                    params={{ bookingId: email.bookingId }}
                    className="mt-1 inline-flex items-center gap-0.5 text-sm font-medium text-indigo-600 sm:hidden"
                  >
                    Open booking
                    <ArrowUpRight className="size-3.5" aria-hidden="true" />
                  </Link>
                ) : null}
              </td>
              <td className="hidden max-w-80 px-4 py-3 text-zinc-700 sm:table-cell">
                {email.subject ? (
                  <span className="line-clamp-2" title={email.subject}>
                    {email.subject}
                  </span>
                ) : email.booking ? (
                  // Not sent yet: what it is for, in grey; the subject itself is written when it goes out.
                  <span
                    className="line-clamp-2 text-zinc-500"
                    title={`For ${email.booking.title}; the subject is written when it is sent`}
                  >
                    {email.booking.title} · {formatWhen(email.booking.startsAt, zone)}
                  </span>
                ) : erased(email) ? (
                  <span className="text-zinc-500">—</span>
                ) : (
                  <span className="text-zinc-500">Written when it is sent</span>
                )}
                {email.text ? <MessageText text={email.text} /> : null}
              </td>
              <td className="px-4 py-3">
                <div className="flex flex-wrap items-center gap-1.5">
                  <EmailStatusBadge status={email.status} />
                  {email.provider === "outbox" ? (
                    <span className="rounded px-1 text-xs font-medium text-zinc-500 ring-1 ring-zinc-200 ring-inset">
                      outbox
                    </span>
                  ) : null}
                </div>
                <p className="mt-1 text-xs whitespace-nowrap text-zinc-500 lg:hidden">
                  <LatestTime email={email} zone={zone} />
                </p>
                {email.lastError ? (
                  <p className="mt-1 max-w-64 text-xs text-red-700" title={email.lastError}>
                    <span className="line-clamp-2">{email.lastError}</span>
                  </p>
                ) : null}
              </td>
              <td className="hidden px-4 py-3 text-right text-zinc-700 tabular-nums md:table-cell">{email.attempts}</td>
              <td className="hidden px-4 py-3 whitespace-nowrap lg:table-cell">
                <Times email={email} zone={zone} />
              </td>
              <td className="hidden py-3 pr-5 pl-4 text-right whitespace-nowrap sm:table-cell">
                {email.bookingId ? (
                  <Link
                    to="/bookings/$bookingId"
                    params={{ bookingId: email.bookingId }}
                    className="inline-flex items-center gap-0.5 rounded-md font-medium text-indigo-600 hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                  >
                    Booking
                    <ArrowUpRight className="size-3.5" aria-hidden="true" />
                  </Link>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The plain-text part as the client got it (the outbox's copy), folded away until asked for. */
function MessageText({ text, className }: { text: string; className?: string }) {
  return (
    <details className={cn("group mt-1", className)}>
      <summary className="cursor-pointer list-none text-xs font-medium text-indigo-600 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600 [&::-webkit-details-marker]:hidden">
        <span className="group-open:hidden">Show message</span>
        <span className="hidden group-open:inline">Hide message</span>
      </summary>
      <pre className="mt-2 max-w-md rounded-lg bg-zinc-50 p-3 font-sans text-xs leading-relaxed whitespace-pre-wrap text-zinc-700 ring-1 ring-zinc-200 ring-inset">
        {text}
      </pre>
    </details>
  );
}

/** The one time that matters most, for narrow screens where the When column is hidden. */
function LatestTime({ email, zone }: { email: Email; zone: string }) {
  const [label, at] = email.deliveredAt
    ? ["Delivered", email.deliveredAt]
    : email.sentAt
      ? ["Sent", email.sentAt]
      : email.scheduledFor
        ? ["Scheduled for", email.scheduledFor]
        : ["Created", email.createdAt];
  return (
    <>
      {label}{" "}
      <time dateTime={at.toISOString()} title={formatFull(at, zone)}>
        {formatWhen(at, zone)}
      </time>
    </>
  );
}

function Times({ email, zone }: { email: Email; zone: string }) {
  const rows: { label: string; at: Date }[] = [];
  if (email.scheduledFor) rows.push({ label: "Scheduled", at: email.scheduledFor });
  if (email.sentAt) rows.push({ label: "Sent", at: email.sentAt });
  if (email.deliveredAt) rows.push({ label: "Delivered", at: email.deliveredAt });
  if (rows.length === 0) rows.push({ label: "Created", at: email.createdAt });
  return (
    <dl className="grid grid-cols-[auto_auto] gap-x-2 gap-y-0.5 text-xs">
      {rows.map((r) => (
        <div key={r.label} className="contents">
          <dt className="text-zinc-500">{r.label}</dt>
          <dd className="text-zinc-800 tabular-nums">
            <time dateTime={r.at.toISOString()} title={formatFull(r.at, zone)}>
              {formatWhen(r.at, zone)}
            </time>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function TableSkeleton() {
  return (
    <div
      className="space-y-3 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs"
      role="status"
      aria-busy="true"
      aria-label="Loading emails"
    >
      {["a", "b", "c", "d", "e"].map((k) => (
        <div key={k} className="flex items-center gap-4">
          <Skeleton className="h-4 w-40" />
          <Skeleton className="h-4 flex-1" />
          <Skeleton className="h-5 w-20 rounded-full" />
          <Skeleton className="hidden h-4 w-32 lg:block" />
        </div>
      ))}
    </div>
  );
}
