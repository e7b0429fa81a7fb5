import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { RotateCcw, Trash2 } from "lucide-react";
import { useState } from "react";
import { ClientAvatar } from "../../../components/clients/bits";
import { EraseClientButton } from "../../../components/clients/erase-client-dialog";
import { BackLink, PageHeader } from "../../../components/page-header";
import { LoadMore, QueryState } from "../../../components/query-state";
import { Alert } from "../../../components/ui/alert";
import { Button } from "../../../components/ui/button";
import { EmptyState } from "../../../components/ui/empty-state";
import { RelativeTime } from "../../../components/ui/relative-time";
import { Skeleton, SkeletonLines } from "../../../components/ui/skeleton";
import { useToast } from "../../../components/ui/toast";
import { useTimeZone } from "../../../lib/clients";
import { duplicateClientOf, userMessage } from "../../../lib/errors";
import { formatDate, formatDateTime } from "../../../lib/format";
import { type RouterOutputs, trpc } from "../../../lib/trpc";

type TrashItem = RouterOutputs["clients"]["trash"]["items"][number];

export const Route = createFileRoute("/_authed/clients/trash")({
  component: TrashPage,
});

function TrashPage() {
  const trash = trpc.clients.trash.useInfiniteQuery({}, { getNextPageParam: (last) => last.nextCursor });
  const items = trash.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <BackLink to="/clients">Clients</BackLink>
      <PageHeader
        title="Trash"
        description="Deleted clients stay here for 90 days, with their notes, and can be restored until then."
      />
      <QueryState
        query={trash}
        pending={
          <div className="space-y-px overflow-hidden rounded-xl border border-zinc-200 bg-white" aria-busy="true">
            {["a", "b", "c"].map((k) => (
              <div key={k} className="flex items-center gap-4 px-5 py-4">
                <Skeleton className="size-9 rounded-full" />
                <SkeletonLines lines={["h-4 w-40", "h-3 w-64"]} />
                <Skeleton className="h-8 w-24" />
              </div>
            ))}
          </div>
        }
        errorTitle="Could not load Trash"
        isEmpty={() => items.length === 0}
        empty={
          <EmptyState
            icon={Trash2}
            title="Trash is empty"
            description="Clients you delete appear here for 90 days before they are removed for good."
            action={
              <Button variant="secondary" asChild>
                <Link to="/clients">Back to clients</Link>
              </Button>
            }
          />
        }
      >
        {() => (
          <>
            <ul className="divide-y divide-zinc-100 overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs">
              {items.map((item) => (
                <TrashRow key={item.id} item={item} />
              ))}
            </ul>
            <LoadMore query={trash} />
          </>
        )}
      </QueryState>
    </>
  );
}

function TrashRow({ item }: { item: TrashItem }) {
  const zone = useTimeZone();
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const { toast } = useToast();
  const [error, setError] = useState<unknown>(null);
  const restore = trpc.clients.restore.useMutation({
    onSuccess: async (client) => {
      toast({
        title: `Restored ${client.name}`,
        action: {
          label: "Open",
          onClick: () => void navigate({ to: "/clients/$clientId", params: { clientId: client.id } }),
        },
      });
      await Promise.all([
        utils.clients.invalidate(),
        utils.pipeline.board.invalidate(),
        utils.activity.list.invalidate(),
      ]);
    },
    onError: setError,
  });
  const duplicate = duplicateClientOf(error);
  const deletedAt = item.deletedAt ?? item.updatedAt;

  return (
    <li className="px-5 py-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
        <div className="flex min-w-0 flex-1 items-center gap-3">
          <ClientAvatar name={item.name} className="opacity-70" />
          <div className="min-w-0">
            <p className="truncate font-medium text-zinc-900">{item.name}</p>
            <p className="text-sm text-zinc-500">
              {item.email && item.email !== item.name ? <span className="break-all">{item.email} · </span> : null}
              Deleted <RelativeTime at={deletedAt} zone={zone} /> · Purged on{" "}
              <time dateTime={item.purgeAt.toISOString()} title={formatDateTime(item.purgeAt, zone)}>
                {formatDate(item.purgeAt, zone)}
              </time>
            </p>
          </div>
        </div>
        <div className="flex gap-2 self-start sm:self-center">
          <Button
            variant="secondary"
            size="sm"
            onClick={() => {
              setError(null);
              restore.mutate({ id: item.id });
            }}
            loading={restore.isPending}
            aria-label={`Restore ${item.name}`}
          >
            {restore.isPending ? null : <RotateCcw className="size-4" aria-hidden="true" />}
            Restore
          </Button>
          <EraseClientButton client={item} from="trash" />
        </div>
      </div>
      {error ? (
        <Alert variant="error" className="mt-3" title={duplicate ? "Can't restore: the email is taken" : undefined}>
          {duplicate ? (
            <>
              <Link
                to="/clients/$clientId"
                params={{ clientId: duplicate.clientId }}
                className="font-medium underline underline-offset-2"
              >
                {duplicate.name}
              </Link>{" "}
              already has this email ({item.email}). Change or remove the email on {duplicate.name}, then restore.
            </>
          ) : (
            userMessage(error)
          )}
        </Alert>
      ) : null}
    </li>
  );
}
