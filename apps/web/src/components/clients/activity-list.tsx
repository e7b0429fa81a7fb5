import { CONSENT_BASIS_LABELS, type ConsentBasis } from "@crm/shared";
import {
  ArrowRightLeft,
  CalendarClock,
  type LucideIcon,
  NotebookPen,
  Pencil,
  RotateCcw,
  Sparkles,
  Trash2,
} from "lucide-react";
import type { ReactNode } from "react";
import {
  type ActivityItem,
  STATUS_LABELS,
  type Stage,
  usePhoneFormatter,
  useStages,
  useTimeZone,
} from "../../lib/clients";
import { formatDate } from "../../lib/format";
import { formatWhen } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { cn } from "../../lib/utils";
import { QueryError } from "../query-state";
import { Button } from "../ui/button";
import { RelativeTime } from "../ui/relative-time";
import { Skeleton, SkeletonLines } from "../ui/skeleton";

const FIELD_NAMES: Record<string, string> = {
  firstName: "first name",
  lastName: "last name",
  email: "email",
  phone: "phone",
  company: "company",
  source: "source",
  status: "status",
  title: "title",
  notes: "notes",
  location: "location",
  consentBasis: "lawful basis",
  consentGivenAt: "consent date",
  consentSource: "consent source",
  marketingConsent: "marketing email consent",
  marketingConsentAt: "marketing consent date",
};

type Change = { before: unknown; after: unknown };

interface Wording {
  icon: LucideIcon;
  tone: string;
  lines: ReactNode[];
  quote?: string | undefined;
}

function V({ children }: { children: ReactNode }) {
  return <span className="font-medium text-zinc-900">{children}</span>;
}

function listOf(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

interface Helpers {
  stage: (id: unknown) => string;
  phone: (value: unknown) => string;
  date: (iso: string) => string;
  /** A date without the time (consent dates). */
  day: (iso: string) => string;
}

function show(field: string, value: unknown, h: Helpers): string {
  if (field === "phone") return h.phone(value);
  if (field === "consentBasis" && typeof value === "string" && value in CONSENT_BASIS_LABELS) {
    return CONSENT_BASIS_LABELS[value as ConsentBasis];
  }
  if (field === "marketingConsent") return value ? "yes" : "no";
  if ((field === "consentGivenAt" || field === "marketingConsentAt") && typeof value === "string") return h.day(value);
  if (field === "status" && typeof value === "string" && value in STATUS_LABELS) {
    return STATUS_LABELS[value as keyof typeof STATUS_LABELS];
  }
  return String(value);
}

function fieldLines(changes: Record<string, Change>, h: Helpers): ReactNode[] {
  const lines: ReactNode[] = [];
  for (const [field, { before, after }] of Object.entries(changes)) {
    if (field === "stageId") {
      if (after === null || after === undefined) lines.push(<>Took out of the pipeline</>);
      else if (before === null || before === undefined)
        lines.push(
          <>
            Moved to stage <V>{h.stage(after)}</V>
          </>,
        );
      else
        lines.push(
          <>
            Moved from stage <V>{h.stage(before)}</V> to <V>{h.stage(after)}</V>
          </>,
        );
      continue;
    }
    if (field === "tags") {
      const a = Array.isArray(before) ? (before as string[]) : [];
      const b = Array.isArray(after) ? (after as string[]) : [];
      const added = b.filter((t) => !a.includes(t));
      const removed = a.filter((t) => !b.includes(t));
      if (added.length)
        lines.push(
          <>
            Added {added.length === 1 ? "tag" : "tags"} <V>{listOf(added)}</V>
          </>,
        );
      if (removed.length)
        lines.push(
          <>
            Removed {removed.length === 1 ? "tag" : "tags"} <V>{listOf(removed)}</V>
          </>,
        );
      continue;
    }
    const name = FIELD_NAMES[field] ?? field;
    const empty = (v: unknown) => v === null || v === undefined || v === "";
    if (empty(before) && empty(after)) continue;
    if (empty(before))
      lines.push(
        <>
          Set {name} to <V>{show(field, after, h)}</V>
        </>,
      );
    else if (empty(after))
      lines.push(
        <>
          Cleared {name} (was <V>{show(field, before, h)}</V>)
        </>,
      );
    else
      lines.push(
        <>
          Changed {name} from <V>{show(field, before, h)}</V> to <V>{show(field, after, h)}</V>
        </>,
      );
  }
  return lines;
}

function word(item: ActivityItem, h: Helpers): Wording {
  const changes = (item.changes ?? {}) as Record<string, Change>;
  if (item.entityType === "note") {
    const body = changes.body;
    switch (item.action) {
      case "created":
        return { icon: NotebookPen, tone: "bg-sky-50 text-sky-600", lines: ["Added a note"], quote: str(body?.after) };
      case "updated":
        return { icon: NotebookPen, tone: "bg-sky-50 text-sky-600", lines: ["Edited a note"], quote: str(body?.after) };
      case "deleted":
        return { icon: Trash2, tone: "bg-zinc-100 text-zinc-500", lines: ["Deleted a note"], quote: str(body?.before) };
      default:
        return { icon: NotebookPen, tone: "bg-sky-50 text-sky-600", lines: [`Note ${item.action.replace("_", " ")}`] };
    }
  }
  if (item.entityType === "booking") {
    // What the entry recorded, else the session as it is now (a status change records only the status).
    const title = str(changes.title?.after) ?? str(changes.title?.before) ?? item.booking?.title;
    const startsAt = str(changes.startsAt?.after) ?? item.booking?.startsAt.toISOString();
    const verb: Record<string, string> = {
      created: "Booked",
      updated: "Updated",
      rescheduled: "Rescheduled",
      confirmed: "Confirmed",
      completed: "Completed",
      cancelled: "Cancelled",
      deleted: "Deleted",
      // Written by Google Calendar sync.
      rescheduled_in_google: "Rescheduled",
      updated_in_google: "Updated",
      cancelled_in_google: "Cancelled",
      created_in_google: "Booked",
      sync_conflict_kept_crm: "Kept your edit of",
    };
    const suffix = item.action.endsWith("_in_google")
      ? " in Google Calendar"
      : item.action === "sync_conflict_kept_crm"
        ? " over the change in Google Calendar"
        : null;
    return {
      icon: CalendarClock,
      tone: "bg-violet-50 text-violet-600",
      lines: [
        <>
          {verb[item.action] ?? `${item.action} —`} a session
          {title ? (
            <>
              : <V>{title}</V>
            </>
          ) : null}
          {startsAt ? <> for {h.date(startsAt)}</> : null}
          {suffix}
        </>,
      ],
    };
  }
  switch (item.action) {
    case "created": {
      const stage = changes.stageId?.after;
      return {
        icon: Sparkles,
        tone: "bg-indigo-50 text-indigo-600",
        lines: [
          stage ? (
            <>
              Added as a client in stage <V>{h.stage(stage)}</V>
            </>
          ) : (
            "Added as a client"
          ),
        ],
      };
    }
    case "stage_moved":
      return {
        icon: ArrowRightLeft,
        tone: "bg-amber-50 text-amber-600",
        lines: fieldLines({ stageId: changes.stageId ?? { before: null, after: null } }, h),
      };
    case "deleted":
      return { icon: Trash2, tone: "bg-red-50 text-red-600", lines: ["Moved to Trash"] };
    case "restored":
      return { icon: RotateCcw, tone: "bg-emerald-50 text-emerald-600", lines: ["Restored from Trash"] };
    default: {
      const lines = fieldLines(changes, h);
      return { icon: Pencil, tone: "bg-zinc-100 text-zinc-600", lines: lines.length ? lines : ["Edited details"] };
    }
  }
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

export function describeActivity(
  item: ActivityItem,
  stages: Map<string, Stage>,
  phone: (e164: string) => string,
  timeZone?: string,
) {
  return word(item, {
    stage: (id) => (typeof id === "string" ? (stages.get(id)?.name ?? "a deleted stage") : "—"),
    phone: (v) => (typeof v === "string" ? phone(v) : String(v)),
    date: (iso) => {
      const at = new Date(iso);
      // Session times read as they do on bookings and the calendar ("Mon 7 Dec, 09:00").
      return Number.isNaN(at.getTime()) ? iso : formatWhen(at, timeZone ?? "UTC");
    },
    day: (iso) => {
      const at = new Date(iso);
      return Number.isNaN(at.getTime()) ? iso : formatDate(at, timeZone);
    },
  });
}

/** The client's history in words, newest first. */
export function ActivityList({ clientId }: { clientId: string }) {
  const zone = useTimeZone();
  const phone = usePhoneFormatter();
  const { byId } = useStages();
  const activity = trpc.activity.list.useInfiniteQuery(
    { clientId, limit: 20 },
    { getNextPageParam: (last) => last.nextCursor },
  );

  if (activity.isPending) {
    return (
      <div className="space-y-4" role="status" aria-busy="true" aria-label="Loading activity">
        {["a", "b", "c"].map((k) => (
          <div key={k} className="flex gap-3">
            <Skeleton className="size-7 rounded-full" />
            <SkeletonLines lines={["h-3.5 w-3/4", "h-3 w-20"]} />
          </div>
        ))}
      </div>
    );
  }
  if (activity.isError) {
    return <QueryError query={activity} />;
  }
  const items = activity.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <p className="text-sm text-zinc-500">Nothing has happened yet.</p>;

  return (
    <div>
      <ol className="relative space-y-5">
        <span className="absolute top-3 bottom-3 left-3.5 w-px bg-zinc-200" aria-hidden="true" />
        {items.map((item) => {
          const { icon: Icon, tone, lines, quote } = describeActivity(item, byId, (v) => phone(v), zone);
          return (
            <li key={item.id} className="relative flex gap-3">
              <span
                className={cn(
                  "relative flex size-7 shrink-0 items-center justify-center rounded-full ring-4 ring-white",
                  tone,
                )}
              >
                <Icon className="size-3.5" aria-hidden="true" />
              </span>
              <div className="min-w-0 flex-1 pt-0.5">
                {lines.map((line, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: lines of one entry never reorder
                  <p key={i} className="text-sm break-words text-zinc-600">
                    {line}
                  </p>
                ))}
                {quote ? (
                  <p className="mt-1 line-clamp-2 border-l-2 border-zinc-200 pl-2 text-sm text-zinc-500 italic">
                    {quote}
                  </p>
                ) : null}
                <RelativeTime at={item.createdAt} zone={zone} className="mt-0.5 block text-xs text-zinc-500" />
              </div>
            </li>
          );
        })}
      </ol>
      {activity.hasNextPage ? (
        <Button
          variant="ghost"
          size="sm"
          className="mt-4 w-full"
          onClick={() => activity.fetchNextPage()}
          loading={activity.isFetchingNextPage}
        >
          Show older activity
        </Button>
      ) : null}
    </div>
  );
}
