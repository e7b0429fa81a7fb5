import type { ClientSort } from "@crm/shared";
import { Link, useNavigate } from "@tanstack/react-router";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import { ClientAvatar, StageLabel, StatusBadge, TagList } from "../../../../components/clients/bits";
import { RelativeTime } from "../../../../components/ui/relative-time";
import { Skeleton, SkeletonLines } from "../../../../components/ui/skeleton";
import { Spinner } from "../../../../components/ui/spinner";
import { Th } from "../../../../components/ui/table";
import { type ClientView, SORT_LABELS, usePhoneFormatter, useStages, useTimeZone } from "../../../../lib/clients";
import { cn } from "../../../../lib/utils";

type SortKey = "name" | "created" | "updated" | "status";
/** The first click sorts the way people usually want: names A–Z, dates newest first. */
const FIRST_DIRECTION: Record<SortKey, ClientSort> = {
  name: "name",
  status: "status",
  updated: "-updated",
  created: "-created",
};

function SortHeader({
  label,
  sortKey,
  sort,
  ranked,
  onSort,
  className,
}: {
  label: string;
  sortKey: SortKey;
  sort: ClientSort;
  ranked: boolean;
  onSort: (sort: ClientSort) => void;
  className?: string;
}) {
  const active = !ranked && sort.replace("-", "") === sortKey;
  const descending = sort.startsWith("-");
  const Icon = !active ? ArrowUpDown : descending ? ArrowDown : ArrowUp;
  const next: ClientSort = active ? ((descending ? sortKey : `-${sortKey}`) as ClientSort) : FIRST_DIRECTION[sortKey];
  return (
    <th
      scope="col"
      aria-sort={active ? (descending ? "descending" : "ascending") : undefined}
      className={cn("px-4 py-2.5 text-left font-medium", className)}
    >
      {ranked ? (
        label
      ) : (
        <button
          type="button"
          onClick={() => onSort(next)}
          className={cn(
            "group -mx-1.5 inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 hover:bg-zinc-200/60 hover:text-zinc-900",
            active && "text-zinc-900",
          )}
        >
          {label}
          <Icon
            className={cn("size-3.5", active ? "text-indigo-600" : "text-zinc-400 opacity-0 group-hover:opacity-100")}
            aria-hidden="true"
          />
          <span className="sr-only">
            {active ? `, sorted ${descending ? "descending" : "ascending"}` : ""}. Sort by {label.toLowerCase()}
          </span>
        </button>
      )}
    </th>
  );
}

export function ClientsTable({
  items,
  sort,
  ranked,
  onSort,
  busy,
}: {
  items: ClientView[];
  sort: ClientSort;
  ranked: boolean;
  onSort: (sort: ClientSort) => void;
  busy: boolean;
}) {
  const navigate = useNavigate();
  const phone = usePhoneFormatter();
  const zone = useTimeZone();
  const { byId } = useStages();
  const headers = { sort, ranked, onSort };
  return (
    <div className="relative overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-xs">
      {busy ? (
        <div className="absolute top-3 right-3 z-10">
          <Spinner size="sm" label="Updating" />
        </div>
      ) : null}
      <table className="w-full min-w-full text-sm" aria-busy={busy || undefined}>
        <caption className="sr-only">
          Clients{ranked ? ", best matches first" : `, sorted by ${SORT_LABELS[sort].toLowerCase()}`}
        </caption>
        <thead className="border-b border-zinc-200 bg-zinc-50/80 text-xs text-zinc-500">
          <tr>
            <SortHeader label="Name" sortKey="name" {...headers} className="pl-5" />
            <Th className="hidden lg:table-cell">Phone</Th>
            <Th className="hidden md:table-cell">Company</Th>
            <SortHeader label="Status" sortKey="status" {...headers} />
            <Th className="hidden lg:table-cell">Stage</Th>
            <Th className="hidden xl:table-cell">Tags</Th>
            <SortHeader label="Updated" sortKey="updated" {...headers} className="hidden pr-5 2xl:table-cell" />
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {items.map((client) => (
            <tr
              key={client.id}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest("a,button") || window.getSelection()?.toString()) return;
                void navigate({ to: "/clients/$clientId", params: { clientId: client.id } });
              }}
              className="group cursor-pointer transition-colors hover:bg-zinc-50"
            >
              <td className="max-w-0 py-3 pr-4 pl-5 sm:w-[32%]">
                {/* The cell truncates (max-w-0) but never below a readable name: without this floor the
                    nowrap columns beside it squeezed names to their first letter at laptop widths. */}
                <div className="flex min-w-48 items-center gap-3">
                  <ClientAvatar name={client.name} size="sm" />
                  <div className="min-w-0">
                    <Link
                      to="/clients/$clientId"
                      params={{ clientId: client.id }}
                      className="block truncate font-medium text-zinc-900 hover:text-indigo-700 hover:underline"
                    >
                      {client.name}
                    </Link>
                    {client.email && client.email !== client.name ? (
                      <p className="truncate text-xs text-zinc-500">{client.email}</p>
                    ) : null}
                  </div>
                </div>
              </td>
              <td className="hidden px-4 py-3 whitespace-nowrap text-zinc-700 tabular-nums lg:table-cell">
                {client.phone ? phone(client.phone) : <span className="text-zinc-300">—</span>}
              </td>
              <td className="hidden max-w-48 truncate px-4 py-3 text-zinc-700 md:table-cell">
                {client.company ?? <span className="text-zinc-300">—</span>}
              </td>
              <td className="px-4 py-3">
                <StatusBadge status={client.status} />
              </td>
              <td className="hidden max-w-40 px-4 py-3 lg:table-cell">
                <StageLabel stage={client.stageId ? byId.get(client.stageId) : null} />
              </td>
              <td className="hidden px-4 py-3 xl:table-cell">
                {client.tags.length ? (
                  <TagList tags={client.tags} max={2} className="flex-nowrap" />
                ) : (
                  <span className="text-zinc-300">—</span>
                )}
              </td>
              <td className="hidden py-3 pr-5 pl-4 whitespace-nowrap text-zinc-500 2xl:table-cell">
                <RelativeTime at={client.updatedAt} zone={zone} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TableSkeleton() {
  return (
    <div
      className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs"
      role="status"
      aria-busy="true"
      aria-label="Loading clients"
    >
      <div className="h-10 border-b border-zinc-200 bg-zinc-50/80" />
      {Array.from({ length: 8 }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <div key={i} className="flex items-center gap-4 border-b border-zinc-100 px-5 py-3.5 last:border-0">
          <Skeleton className="size-7 rounded-full" />
          <SkeletonLines lines={["h-3.5 w-40", "h-3 w-56"]} />
          <Skeleton className="hidden h-3.5 w-28 lg:block" />
          <Skeleton className="hidden h-3.5 w-24 md:block" />
          <Skeleton className="h-5 w-16 rounded-full" />
          <Skeleton className="hidden h-3.5 w-20 sm:block" />
        </div>
      ))}
    </div>
  );
}
