import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { Building2, Mail, Pencil, Phone, SearchX, Trash2 } from "lucide-react";
import { type ReactNode, useState } from "react";
import { ActivityList } from "../../../components/clients/activity-list";
import { ClientAvatar, StageLabel, StatusBadge, TagList } from "../../../components/clients/bits";
import { ConsentSection } from "../../../components/clients/consent-section";
import { EraseClientButton } from "../../../components/clients/erase-client-dialog";
import { ExportClientButton } from "../../../components/clients/export-client-button";
import { NotesSection } from "../../../components/clients/notes";
import { BackLink, PageHeader } from "../../../components/page-header";
import { QueryError } from "../../../components/query-state";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { ConfirmDialog } from "../../../components/ui/confirm-dialog";
import { EmptyState } from "../../../components/ui/empty-state";
import { Skeleton } from "../../../components/ui/skeleton";
import { useToast } from "../../../components/ui/toast";
import { type ClientView, usePhoneFormatter, useStages, useTimeZone } from "../../../lib/clients";
import { duplicateClientOf, errorCode, userMessage } from "../../../lib/errors";
import { formatDate, formatDateTime, relativeTime } from "../../../lib/format";
import { trpc, trpcClient, trpcUtils } from "../../../lib/trpc";
import { useDocumentTitle } from "../../../lib/use-document-title";
import { EditClientForm } from "./-components/edit-client-form";

export const Route = createFileRoute("/_authed/clients/$clientId")({
  component: ClientPage,
});

function ClientPage() {
  const { clientId } = Route.useParams();
  const client = trpc.clients.get.useQuery({ id: clientId });

  if (client.isPending) return <ClientSkeleton />;
  if (client.isError) {
    if (errorCode(client.error) === "NOT_FOUND" || errorCode(client.error) === "BAD_REQUEST") {
      return <ClientGone />;
    }
    return (
      <>
        <BackLink to="/clients">Clients</BackLink>
        <QueryError query={client} title="Could not load this client" />
      </>
    );
  }
  return <ClientDetail key={client.data.id} client={client.data} />;
}

function ClientGone() {
  useDocumentTitle("Client not found");
  return (
    <>
      <BackLink to="/clients">Clients</BackLink>
      <EmptyState
        icon={SearchX}
        title="This client no longer exists"
        description="It may have been moved to Trash or deleted on another device."
        action={
          <div className="flex flex-wrap justify-center gap-2">
            <Button asChild>
              <Link to="/clients">All clients</Link>
            </Button>
            <Button variant="secondary" asChild>
              <Link to="/clients/trash">Open Trash</Link>
            </Button>
          </div>
        }
      />
    </>
  );
}

function ClientSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading client">
      <Skeleton className="mb-6 h-4 w-16" />
      <div className="mb-8 flex items-center gap-4">
        <Skeleton className="size-14 rounded-full" />
        <div className="space-y-2">
          <Skeleton className="h-7 w-56" />
          <Skeleton className="h-4 w-40" />
        </div>
      </div>
      <Skeleton className="mb-6 h-48 w-full rounded-xl" />
      <div className="grid gap-6 lg:grid-cols-5">
        <Skeleton className="h-64 rounded-xl lg:col-span-3" />
        <Skeleton className="h-64 rounded-xl lg:col-span-2" />
      </div>
    </div>
  );
}

/** After a delete, the toast's Undo restores the client (the page itself is gone by then). */
async function undoDelete(
  client: { id: string; name: string },
  toast: ReturnType<typeof useToast>["toast"],
  open: () => void,
) {
  try {
    await trpcClient.clients.restore.mutate({ id: client.id });
    await Promise.all([
      trpcUtils.clients.invalidate(),
      trpcUtils.pipeline.board.invalidate(),
      trpcUtils.activity.list.invalidate(),
    ]);
    toast({ title: `Restored ${client.name}`, action: { label: "Open", onClick: open } });
  } catch (error) {
    const duplicate = duplicateClientOf(error);
    toast({
      title: `Could not restore ${client.name}`,
      description: duplicate ? `${duplicate.name} already has this email.` : userMessage(error),
      variant: "error",
    });
  }
}

function ClientDetail({ client }: { client: ClientView }) {
  const navigate = useNavigate();
  const { toast } = useToast();
  const utils = trpc.useUtils();
  const phone = usePhoneFormatter();
  const zone = useTimeZone();
  const { byId } = useStages();
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const remove = trpc.clients.delete.useMutation({
    onSuccess: async () => {
      setConfirmDelete(false);
      const gone = { id: client.id, name: client.name };
      await navigate({ to: "/clients" });
      utils.clients.get.setData({ id: client.id }, undefined);
      await Promise.all([utils.clients.invalidate(), utils.pipeline.board.invalidate()]);
      toast({
        title: `Moved ${client.name} to Trash`,
        description: "You can restore them from Trash for 90 days.",
        action: {
          label: "Undo",
          onClick: () =>
            void undoDelete(
              gone,
              toast,
              () => void navigate({ to: "/clients/$clientId", params: { clientId: gone.id } }),
            ),
        },
      });
    },
    onError: (error) => {
      setConfirmDelete(false);
      toast({ title: "Could not move to Trash", description: userMessage(error), variant: "error" });
    },
  });

  const stage = client.stageId ? byId.get(client.stageId) : null;

  return (
    <>
      <BackLink to="/clients">Clients</BackLink>
      <div className="flex items-start gap-4">
        <ClientAvatar name={client.name} size="lg" className="mt-0.5 hidden sm:flex" />
        <div className="min-w-0 flex-1">
          <PageHeader
            title={client.name}
            description={
              <span className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
                <StatusBadge status={client.status} />
                {client.company ? (
                  <span className="inline-flex items-center gap-1.5">
                    <Building2 className="size-3.5 text-zinc-500" aria-hidden="true" />
                    {client.company}
                  </span>
                ) : null}
                <StageLabel stage={stage} />
              </span>
            }
            actions={
              editing ? null : (
                <>
                  <Button variant="secondary" onClick={() => setEditing(true)}>
                    <Pencil className="size-4" aria-hidden="true" />
                    Edit
                  </Button>
                  <ExportClientButton clientId={client.id} name={client.name} />
                  <Button
                    variant="secondary"
                    onClick={() => setConfirmDelete(true)}
                    className="text-red-600 hover:text-red-700"
                  >
                    <Trash2 className="size-4" aria-hidden="true" />
                    Delete
                  </Button>
                  <EraseClientButton client={client} from="page" />
                </>
              )
            }
          />
        </div>
      </div>
      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Move ${client.name} to Trash?`}
        description="They leave your lists and the pipeline, with their notes. You can restore them from Trash for 90 days."
        confirmLabel="Move to Trash"
        onConfirm={() => remove.mutate({ id: client.id })}
        pending={remove.isPending}
      />

      <div className="space-y-6">
        {editing ? (
          <EditClientForm client={client} onDone={() => setEditing(false)} />
        ) : (
          <Card>
            <CardHeader className="flex flex-row items-center justify-between space-y-0">
              <CardTitle>Details</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-2 gap-x-6 gap-y-5 lg:grid-cols-3 lg:gap-x-8">
                <Detail label="Email" wide>
                  {client.email ? (
                    <a
                      href={`mailto:${client.email}`}
                      className="flex min-w-0 items-center gap-1.5 hover:text-indigo-700"
                    >
                      <Mail className="size-3.5 shrink-0 text-zinc-500" aria-hidden="true" />
                      <span className="truncate">{client.email}</span>
                    </a>
                  ) : null}
                </Detail>
                <Detail label="Phone" wide>
                  {client.phone ? (
                    <a
                      href={`tel:${client.phone}`}
                      className="inline-flex items-center gap-1.5 tabular-nums hover:text-indigo-700"
                    >
                      <Phone className="size-3.5 text-zinc-500" aria-hidden="true" />
                      {phone(client.phone)}
                    </a>
                  ) : null}
                </Detail>
                <Detail label="Company" wide>
                  {client.company}
                </Detail>
                <Detail label="First name">{client.firstName}</Detail>
                <Detail label="Last name">{client.lastName}</Detail>
                <Detail label="Source">{client.source}</Detail>
                <Detail label="Tags">{client.tags.length ? <TagList tags={client.tags} max={20} /> : null}</Detail>
                <Detail label="Added">
                  <span title={formatDateTime(client.createdAt, zone)}>{formatDate(client.createdAt, zone)}</span>
                </Detail>
                <Detail label="Last updated">
                  <span title={formatDateTime(client.updatedAt, zone)}>{relativeTime(client.updatedAt, zone)}</span>
                </Detail>
              </dl>
            </CardContent>
          </Card>
        )}

        <ConsentSection client={client} />

        <div className="grid items-start gap-6 lg:grid-cols-5">
          <section aria-labelledby="notes-heading" className="lg:col-span-3">
            <Card>
              <CardHeader>
                <CardTitle id="notes-heading">Notes</CardTitle>
              </CardHeader>
              <CardContent>
                <NotesSection clientId={client.id} />
              </CardContent>
            </Card>
          </section>
          <section aria-labelledby="activity-heading" className="lg:col-span-2">
            <Card>
              <CardHeader>
                <CardTitle id="activity-heading">Activity</CardTitle>
              </CardHeader>
              <CardContent>
                <ActivityList clientId={client.id} />
              </CardContent>
            </Card>
          </section>
        </div>
      </div>
    </>
  );
}

function Detail({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "col-span-2 min-w-0 lg:col-span-1" : "min-w-0"}>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-1 min-w-0 truncate text-sm text-zinc-900">
        {children === null || children === undefined || children === "" ? (
          <span className="text-zinc-500">—</span>
        ) : (
          children
        )}
      </dd>
    </div>
  );
}
