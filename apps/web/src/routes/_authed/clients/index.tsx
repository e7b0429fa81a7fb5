import { CLIENT_STATUSES, type ClientSort, type ClientStatus } from "@crm/shared";
import { keepPreviousData } from "@tanstack/react-query";
import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { ArrowDown, ArrowUp, ArrowUpDown, Plus, Search, SearchX, Trash2, UsersRound, X } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { ClientAvatar, StageLabel, StatusBadge, TagList } from "../../../components/clients/bits";
import { NewClientDialog } from "../../../components/clients/new-client-dialog";
import { PageHeader } from "../../../components/page-header";
import { Alert } from "../../../components/ui/alert";
import { Button } from "../../../components/ui/button";
import { EmptyState } from "../../../components/ui/empty-state";
import { Input } from "../../../components/ui/input";
import { Select } from "../../../components/ui/select";
import { Skeleton } from "../../../components/ui/skeleton";
import { Spinner } from "../../../components/ui/spinner";
import {
  type ClientView,
  isClientSort,
  SORT_LABELS,
  SORT_OPTIONS,
  STATUS_LABELS,
  usePhoneFormatter,
  useStages,
  useTimeZone,
} from "../../../lib/clients";
import { userMessage } from "../../../lib/errors";
import { formatDateTime, plural, relativeTime } from "../../../lib/format";
import { trpc } from "../../../lib/trpc";
import { cn } from "../../../lib/utils";

const PAGE_SIZE = 20;
const DEFAULT_SORT: ClientSort = "name";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClientsSearch {
  sort?: ClientSort;
  status?: ClientStatus;
  stage?: string;
  tag?: string;
  q?: string;
}

/** Sort, filters and search live in the URL, so reload, back and shared links keep them. */
function validateSearch(search: Record<string, unknown>): ClientsSearch {
  const text = (v: unknown, max: number) =>
    typeof v === "string" && v.trim() ? v.trim().slice(0, max) : typeof v === "number" ? String(v) : undefined;
  return {
    sort: isClientSort(search.sort) && search.sort !== DEFAULT_SORT ? search.sort : undefined,
    status: (CLIENT_STATUSES as readonly unknown[]).includes(search.status)
      ? (search.status as ClientStatus)
      : undefined,
    stage: typeof search.stage === "string" && UUID.test(search.stage) ? search.stage : undefined,
    tag: text(search.tag, 40)?.toLowerCase(),
    q: text(search.q, 200),
  };
}

export const Route = createFileRoute("/_authed/clients/")({
  validateSearch,
  staticData: { layout: "wide" },
  component: ClientsPage,
});

function ClientsPage() {
  const search = Route.useSearch();
  const navigate = useNavigate({ from: Route.fullPath });
  const [creating, setCreating] = useState(false);
  const sort = search.sort ?? DEFAULT_SORT;
  const filtered = Boolean(search.status || search.stage || search.tag || search.q);

  const list = trpc.clients.list.useInfiniteQuery(
    {
      limit: PAGE_SIZE,
      sort,
      status: search.status,
      stageId: search.stage,
      tag: search.tag,
      query: search.q,
    },
    { getNextPageParam: (last) => last.nextCursor, placeholderData: keepPreviousData },
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  const update = useCallback(
    (next: Partial<ClientsSearch>, replace = false) => {
      void navigate({ search: (prev) => ({ ...prev, ...next }), replace });
    },
    [navigate],
  );

  return (
    <>
      <PageHeader
        title="Clients"
        description="Everyone you work with, in one place."
        actions={
          <>
            <Button variant="secondary" asChild>
              <Link to="/clients/trash">
                <Trash2 className="size-4" aria-hidden="true" />
                Trash
              </Link>
            </Button>
            <Button onClick={() => setCreating(true)}>
              <Plus className="size-4" aria-hidden="true" />
              New client
            </Button>
          </>
        }
      />
      <NewClientDialog open={creating} onOpenChange={setCreating} />

      <Toolbar search={search} sort={sort} onChange={update} />

      {list.isPending ? (
        <TableSkeleton />
      ) : list.isError && !list.data ? (
        <Alert
          variant="error"
          title="Could not load your clients"
          action={
            <Button variant="secondary" size="sm" onClick={() => list.refetch()} loading={list.isFetching}>
              Retry
            </Button>
          }
        >
          {userMessage(list.error)}
        </Alert>
      ) : items.length === 0 ? (
        filtered ? (
          <EmptyState
            icon={SearchX}
            title="No clients match"
            description={
              search.q
                ? `Nothing matches “${search.q}” with these filters. Try fewer words or part of a phone number.`
                : "No client matches these filters."
            }
            action={
              <Button
                variant="secondary"
                onClick={() => update({ q: undefined, status: undefined, stage: undefined, tag: undefined })}
              >
                Clear search and filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            icon={UsersRound}
            title="No clients yet"
            description="Add the people you work with, or import them from a spreadsheet."
            action={
              <div className="flex flex-wrap justify-center gap-2">
                <Button onClick={() => setCreating(true)}>
                  <Plus className="size-4" aria-hidden="true" />
                  New client
                </Button>
                <Button variant="secondary" asChild>
                  <Link to="/import">Import clients</Link>
                </Button>
              </div>
            }
          />
        )
      ) : (
        <>
          <ClientsTable
            items={items}
            sort={sort}
            ranked={Boolean(search.q)}
            onSort={(next) => update({ sort: next === DEFAULT_SORT ? undefined : next })}
            busy={list.isFetching && !list.isFetchingNextPage}
          />
          <div className="mt-4 flex flex-col items-center gap-3 sm:flex-row sm:justify-between">
            <p className="text-sm text-zinc-500" aria-live="polite">
              Showing {plural(items.length, "client")}
              {list.hasNextPage ? "" : items.length > PAGE_SIZE ? " — that's everyone" : ""}
            </p>
            {list.hasNextPage ? (
              <Button variant="secondary" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            ) : null}
          </div>
          {list.isError ? (
            <Alert variant="error" className="mt-4">
              {userMessage(list.error)}
            </Alert>
          ) : null}
        </>
      )}
    </>
  );
}

function Toolbar({
  search,
  sort,
  onChange,
}: {
  search: ClientsSearch;
  sort: ClientSort;
  onChange: (next: Partial<ClientsSearch>, replace?: boolean) => void;
}) {
  const { stages } = useStages();
  const tags = trpc.clients.tags.useQuery();
  const [draft, setDraft] = useState(search.q ?? "");
  const pushed = useRef(search.q ?? "");

  // Back/forward (or a link) changed the search: show it in the box.
  useEffect(() => {
    const q = search.q ?? "";
    if (q !== pushed.current) {
      pushed.current = q;
      setDraft(q);
    }
  }, [search.q]);

  // Typing updates the URL once the user pauses (~300 ms); each pause replaces the history entry.
  useEffect(() => {
    const q = draft.trim();
    if (q === pushed.current) return;
    const timer = window.setTimeout(() => {
      pushed.current = q;
      onChange({ q: q || undefined }, true);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [draft, onChange]);

  const anyFilter = Boolean(search.status || search.stage || search.tag);

  return (
    <div className="mb-4 flex flex-col gap-2 xl:flex-row xl:items-center">
      <div className="relative xl:w-64">
        <Search
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400"
          aria-hidden="true"
        />
        <Input
          type="search"
          aria-label="Search clients"
          placeholder="Name, email or phone…"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape" && draft) {
              e.preventDefault();
              setDraft("");
            }
          }}
          className="pr-9 pl-9 [&::-webkit-search-cancel-button]:hidden"
        />
        {draft ? (
          <button
            type="button"
            onClick={() => setDraft("")}
            className="absolute top-1/2 right-2 flex size-6 -translate-y-1/2 items-center justify-center rounded-md text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
            aria-label="Clear search"
          >
            <X className="size-4" aria-hidden="true" />
          </button>
        ) : null}
      </div>
      <div className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:items-center xl:flex-1 xl:flex-nowrap">
        <Select
          aria-label="Filter by status"
          value={search.status ?? ""}
          onChange={(e) => onChange({ status: (e.target.value || undefined) as ClientStatus | undefined })}
          className="sm:w-36"
        >
          <option value="">All statuses</option>
          {CLIENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Filter by stage"
          value={search.stage ?? ""}
          onChange={(e) => onChange({ stage: e.target.value || undefined })}
          className="sm:w-38"
        >
          <option value="">All stages</option>
          {stages.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Filter by tag"
          value={search.tag ?? ""}
          onChange={(e) => onChange({ tag: e.target.value || undefined })}
          className="sm:w-32"
        >
          <option value="">All tags</option>
          {search.tag && !tags.data?.includes(search.tag) ? <option value={search.tag}>{search.tag}</option> : null}
          {(tags.data ?? []).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
        {anyFilter ? (
          <Button
            variant="ghost"
            size="sm"
            onClick={() => onChange({ status: undefined, stage: undefined, tag: undefined })}
            className="col-span-2 justify-self-start sm:col-span-1"
          >
            <X className="size-4" aria-hidden="true" />
            Clear filters
          </Button>
        ) : null}
        <Select
          aria-label="Sort by"
          value={sort}
          disabled={Boolean(search.q)}
          title={search.q ? "Search results are sorted by best match" : undefined}
          onChange={(e) =>
            onChange({ sort: e.target.value === DEFAULT_SORT ? undefined : (e.target.value as ClientSort) })
          }
          className="col-span-2 sm:ml-auto sm:w-52"
        >
          {SORT_OPTIONS.map((s) => (
            <option key={s} value={s}>
              {search.q ? "Best match first" : `Sort: ${SORT_LABELS[s]}`}
            </option>
          ))}
        </Select>
      </div>
    </div>
  );
}

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

function ClientsTable({
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
            <th scope="col" className="hidden px-4 py-2.5 text-left font-medium lg:table-cell">
              Phone
            </th>
            <th scope="col" className="hidden px-4 py-2.5 text-left font-medium md:table-cell">
              Company
            </th>
            <SortHeader label="Status" sortKey="status" {...headers} />
            <th scope="col" className="hidden px-4 py-2.5 text-left font-medium lg:table-cell">
              Stage
            </th>
            <th scope="col" className="hidden px-4 py-2.5 text-left font-medium xl:table-cell">
              Tags
            </th>
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
                <time dateTime={client.updatedAt.toISOString()} title={formatDateTime(client.updatedAt, zone)}>
                  {relativeTime(client.updatedAt, zone)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TableSkeleton() {
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
          <div className="flex-1 space-y-1.5">
            <Skeleton className="h-3.5 w-40" />
            <Skeleton className="h-3 w-56" />
          </div>
          <Skeleton className="hidden h-3.5 w-28 lg:block" />
          <Skeleton className="hidden h-3.5 w-24 md:block" />
          <Skeleton className="h-5 w-16 rounded-full" />
          <Skeleton className="hidden h-3.5 w-20 sm:block" />
        </div>
      ))}
    </div>
  );
}
