import { Link } from "@tanstack/react-router";
import { ChevronRight, FileSpreadsheet } from "lucide-react";
import { formatFull, formatShort, useUserTimeZone } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { QueryError } from "../query-state";
import { Badge } from "../ui/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "../ui/card";
import { Skeleton } from "../ui/skeleton";
import { type ImportStatus, isActive, STATE_LABELS, STATE_TONES } from "./shared";

function outcome(item: ImportStatus): string {
  switch (item.status) {
    case "completed": {
      const parts = [`${item.created.toLocaleString()} created`];
      if (item.updated) parts.push(`${item.updated.toLocaleString()} updated`);
      if (item.skipped) parts.push(`${item.skipped.toLocaleString()} skipped`);
      if (item.failed) parts.push(`${item.failed.toLocaleString()} failed`);
      return parts.join(" · ");
    }
    case "running":
      return `${item.processedRows.toLocaleString()} of ${item.totalRows.toLocaleString()} rows`;
    case "queued":
      return `${item.totalRows.toLocaleString()} rows, waiting to start`;
    case "uploaded":
      return `${item.totalRows.toLocaleString()} rows, not started yet`;
    case "failed":
      return "Nothing was imported";
    case "cancelled":
      return "Nothing was imported";
  }
}

/** The user's last imports, newest first; running ones update live. */
export function RecentImports() {
  const zone = useUserTimeZone();
  const list = trpc.imports.list.useQuery(undefined, {
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.some((i) => isActive(i.status)) ? 1500 : false),
  });

  if (list.isPending) {
    return (
      <Card aria-busy="true" aria-label="Loading recent imports">
        <CardHeader>
          <Skeleton className="h-5 w-32" />
        </CardHeader>
        <div className="space-y-3 px-6 py-5">
          <Skeleton className="h-10 w-full" />
          <Skeleton className="h-10 w-full" />
        </div>
      </Card>
    );
  }
  if (list.isError) {
    return <QueryError query={list} title="Could not load your recent imports" />;
  }
  if (list.data.length === 0) return null;

  return (
    <Card>
      <CardHeader className="pb-4">
        <CardTitle id="recent-imports">Recent imports</CardTitle>
        <CardDescription>Open one to see its progress or what it did.</CardDescription>
      </CardHeader>
      <ul aria-labelledby="recent-imports" className="divide-y divide-zinc-100 border-t border-zinc-100">
        {list.data.map((item) => {
          const when = item.finishedAt ?? item.startedAt ?? item.createdAt;
          const active = isActive(item.status);
          const fraction = item.totalRows ? Math.min(1, item.processedRows / item.totalRows) : 0;
          return (
            <li key={item.id}>
              <Link
                to="/imports"
                search={{ id: item.id }}
                className="group flex items-center gap-4 px-6 py-3.5 transition-colors last:rounded-b-xl hover:bg-zinc-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600"
              >
                <FileSpreadsheet className="size-5 shrink-0 text-zinc-400" aria-hidden="true" />
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium text-zinc-900" title={item.filename}>
                    {item.filename}
                  </p>
                  <p className="truncate text-sm text-zinc-500">{outcome(item)}</p>
                  {active ? (
                    <div className="mt-1.5 h-1.5 max-w-xs overflow-hidden rounded-full bg-zinc-100" aria-hidden="true">
                      <div
                        className="h-full rounded-full bg-indigo-600 transition-[width] duration-500"
                        style={{ width: `${Math.max(3, fraction * 100)}%` }}
                      />
                    </div>
                  ) : null}
                </div>
                <div className="hidden shrink-0 flex-col items-end gap-1 sm:flex">
                  <Badge tone={STATE_TONES[item.status]}>{STATE_LABELS[item.status]}</Badge>
                  <time className="text-xs text-zinc-500" dateTime={when.toISOString()} title={formatFull(when, zone)}>
                    {formatShort(when, zone)}
                  </time>
                </div>
                <Badge tone={STATE_TONES[item.status]} className="sm:hidden">
                  {STATE_LABELS[item.status]}
                </Badge>
                <ChevronRight className="size-4 shrink-0 text-zinc-300 group-hover:text-zinc-500" aria-hidden="true" />
              </Link>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
