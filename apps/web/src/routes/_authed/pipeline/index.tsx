import { createFileRoute } from "@tanstack/react-router";
import { Plus, RotateCw } from "lucide-react";
import { useCallback, useState } from "react";
import { NewClientDialog } from "../../../components/clients/new-client-dialog";
import { PageHeader } from "../../../components/page-header";
import { PipelineBoard } from "../../../components/pipeline/board";
import { QueryState } from "../../../components/query-state";
import { Button } from "../../../components/ui/button";
import { Skeleton } from "../../../components/ui/skeleton";
import { trpc } from "../../../lib/trpc";

/** How often the board asks whether something changed elsewhere (another tab, device or import). */
const REVISION_POLL_MS = 10_000;

export const Route = createFileRoute("/_authed/pipeline/")({
  staticData: { layout: "full" },
  component: PipelinePage,
});

function PipelinePage() {
  const utils = trpc.useUtils();
  const board = trpc.pipeline.board.useQuery(undefined, { staleTime: 0 });
  const [busy, setBusy] = useState(false);
  const [creating, setCreating] = useState(false);
  const revision = trpc.pipeline.revision.useQuery(undefined, {
    refetchInterval: busy ? false : REVISION_POLL_MS,
    staleTime: 0,
  });
  const onBusyChange = useCallback((value: boolean) => setBusy(value), []);

  const changedElsewhere =
    board.data !== undefined &&
    revision.data !== undefined &&
    revision.data !== board.data.revision &&
    !busy &&
    !board.isFetching &&
    !revision.isFetching;

  async function refresh() {
    await Promise.all([utils.pipeline.board.invalidate(), utils.pipeline.revision.invalidate()]);
  }

  return (
    <>
      <PageHeader
        title="Pipeline"
        description="Follow leads from first contact to booked client. Drag cards between stages."
        actions={
          <>
            {changedElsewhere ? (
              <div
                role="status"
                className="flex h-10 items-center gap-2 rounded-lg bg-amber-50 pr-1 pl-3 text-sm font-medium text-amber-900 ring-1 ring-amber-200 ring-inset"
              >
                <span className="size-2 shrink-0 animate-pulse rounded-full bg-amber-500" aria-hidden="true" />
                The board changed
                <Button size="sm" onClick={refresh}>
                  Refresh
                </Button>
              </div>
            ) : (
              <Button variant="secondary" onClick={refresh} loading={board.isFetching && !board.isPending}>
                {board.isFetching && !board.isPending ? null : <RotateCw className="size-4" aria-hidden="true" />}
                Refresh
              </Button>
            )}
            <Button onClick={() => setCreating(true)}>
              <Plus className="size-4" aria-hidden="true" />
              New client
            </Button>
          </>
        }
      />
      <NewClientDialog open={creating} onOpenChange={setCreating} />
      <QueryState query={board} pending={<BoardSkeleton />} errorTitle="Could not load the pipeline">
        {(data) => <PipelineBoard board={data} onBusyChange={onBusyChange} />}
      </QueryState>
    </>
  );
}

function BoardSkeleton() {
  return (
    <div className="flex gap-4 overflow-hidden" role="status" aria-busy="true" aria-label="Loading the pipeline">
      {[3, 2, 4, 1, 2].map((n, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <div key={i} className="w-72 shrink-0 space-y-2 rounded-xl bg-zinc-100 p-3">
          <Skeleton className="mb-3 h-4 w-24" />
          {Array.from({ length: n }, (_, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
            <Skeleton key={j} className="h-16 w-full rounded-lg bg-white" />
          ))}
        </div>
      ))}
    </div>
  );
}
