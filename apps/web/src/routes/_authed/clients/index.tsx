import { keepPreviousData } from "@tanstack/react-query";
import { createFileRoute, useNavigate } from "@tanstack/react-router";
import { Plus, Trash2 } from "lucide-react";
import { useCallback, useState } from "react";
import { ExportCsvLink } from "../../../components/clients/export-csv-link";
import { NewClientDialog } from "../../../components/clients/new-client-dialog";
import { PageHeader } from "../../../components/page-header";
import { LoadMore, QueryState } from "../../../components/query-state";
import { Alert } from "../../../components/ui/alert";
import { Button } from "../../../components/ui/button";
import { ButtonLink } from "../../../components/ui/button-link";
import { userMessage } from "../../../lib/errors";
import { plural } from "../../../lib/format";
import { trpc } from "../../../lib/trpc";
import { ClientsEmpty } from "./-components/clients-empty";
import {
  type ClientsSearch,
  DEFAULT_SORT,
  hasFilters,
  NO_FILTERS,
  PAGE_SIZE,
  validateSearch,
} from "./-components/clients-search";
import { ClientsTable, TableSkeleton } from "./-components/clients-table";
import { Toolbar } from "./-components/clients-toolbar";

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
  const filtered = hasFilters(search) || Boolean(search.q);

  const list = trpc.clients.list.useInfiniteQuery(
    {
      limit: PAGE_SIZE,
      sort,
      status: search.status,
      stageId: search.stage,
      tag: search.tag,
      consent: search.consent,
      marketing: search.marketing === undefined ? undefined : search.marketing === "yes",
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
            <ButtonLink to="/clients/trash" icon={Trash2}>
              Trash
            </ButtonLink>
            <ExportCsvLink
              filter={{
                sort,
                status: search.status,
                stageId: search.stage,
                tag: search.tag,
                query: search.q,
                consent: search.consent,
                marketing: search.marketing === undefined ? undefined : search.marketing === "yes" ? "true" : "false",
              }}
              empty={list.isSuccess && items.length === 0}
            />
            <Button onClick={() => setCreating(true)}>
              <Plus className="size-4" aria-hidden="true" />
              New client
            </Button>
          </>
        }
      />
      <NewClientDialog open={creating} onOpenChange={setCreating} />

      <Toolbar search={search} sort={sort} onChange={update} />

      <QueryState
        query={list}
        pending={<TableSkeleton />}
        errorTitle="Could not load your clients"
        isEmpty={() => items.length === 0}
        empty={
          <ClientsEmpty
            filtered={filtered}
            query={search.q}
            onClear={() => update({ q: undefined, ...NO_FILTERS })}
            onCreate={() => setCreating(true)}
          />
        }
      >
        {() => (
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
              <LoadMore query={list} className="contents" />
            </div>
            {list.isError ? (
              <Alert variant="error" className="mt-4">
                {userMessage(list.error)}
              </Alert>
            ) : null}
          </>
        )}
      </QueryState>
    </>
  );
}
