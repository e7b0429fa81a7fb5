import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { ArrowLeft } from "lucide-react";
import { useState } from "react";
import { DraftView } from "../../../components/imports/draft-view";
import { DropZone } from "../../../components/imports/drop-zone";
import { ImportRun } from "../../../components/imports/import-run";
import { RecentImports } from "../../../components/imports/recent-imports";
import { isActive } from "../../../components/imports/shared";
import { checkFile, UploadError, uploadImportFile } from "../../../components/imports/upload";
import { PageHeader } from "../../../components/page-header";
import { Alert } from "../../../components/ui/alert";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardHeader } from "../../../components/ui/card";
import { Skeleton, SkeletonLines } from "../../../components/ui/skeleton";
import { errorCode, userMessage } from "../../../lib/errors";
import { trpc } from "../../../lib/trpc";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ImportSearch {
  /** The import on screen: leaving the page and coming back (or reloading) shows it again. */
  id?: string;
}

export const Route = createFileRoute("/_authed/imports/")({
  validateSearch: (search: Record<string, unknown>): ImportSearch => ({
    id: typeof search.id === "string" && UUID.test(search.id) ? search.id : undefined,
  }),
  component: ImportPage,
});

function ImportPage() {
  const { id } = Route.useSearch();
  return (
    <>
      <PageHeader
        title="Import"
        description="Bring your clients over from a spreadsheet, Google Contacts, Outlook or HubSpot."
        actions={
          id ? (
            <Button variant="ghost" asChild>
              <Link to="/imports">
                <ArrowLeft className="size-4" aria-hidden="true" />
                All imports
              </Link>
            </Button>
          ) : null
        }
      />
      {id ? <ImportDetail key={id} id={id} /> : <Upload />}
    </>
  );
}

function Upload() {
  const navigate = useNavigate({ from: Route.fullPath });
  const utils = trpc.useUtils();
  const [uploading, setUploading] = useState<{ name: string; progress: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function onFile(file: File) {
    const problem = checkFile(file);
    if (problem) {
      setError(problem);
      return;
    }
    setError(null);
    setUploading({ name: file.name, progress: 0 });
    try {
      const draft = await uploadImportFile(file, {
        onProgress: (progress) => setUploading({ name: file.name, progress }),
      });
      utils.imports.preview.setData({ id: draft.id }, draft);
      void utils.imports.list.invalidate();
      await navigate({ search: { id: draft.id } });
    } catch (e) {
      setError(e instanceof UploadError ? e.message : "Something went wrong. Please try again.");
    } finally {
      setUploading(null);
    }
  }

  return (
    <div className="space-y-6">
      <DropZone onFile={onFile} uploading={uploading} error={error} />
      <RecentImports />
    </div>
  );
}

function ImportDetail({ id }: { id: string }) {
  const navigate = useNavigate({ from: Route.fullPath });
  const status = trpc.imports.get.useQuery(
    { id },
    {
      staleTime: 0,
      refetchInterval: (query) => (query.state.data && isActive(query.state.data.status) ? 700 : false),
      refetchIntervalInBackground: true,
    },
  );
  const uploaded = status.data?.status === "uploaded";
  const draft = trpc.imports.preview.useQuery({ id }, { enabled: uploaded, staleTime: Number.POSITIVE_INFINITY });
  const another = () => void navigate({ search: {} });

  if (status.isPending || (uploaded && draft.isPending)) return <DetailSkeleton />;
  const failure = status.error ?? (uploaded ? draft.error : null);
  if (failure) {
    const missing = errorCode(failure) === "NOT_FOUND";
    return (
      <Alert
        variant="error"
        title={missing ? "This import doesn't exist" : "Could not load this import"}
        action={
          missing ? (
            <Button variant="secondary" size="sm" asChild>
              <Link to="/imports">Back to imports</Link>
            </Button>
          ) : (
            <Button
              variant="secondary"
              size="sm"
              onClick={() => (status.error ? status.refetch() : draft.refetch())}
              loading={status.isFetching || draft.isFetching}
            >
              Retry
            </Button>
          )
        }
      >
        {missing ? "It may belong to another account, or the link is wrong." : userMessage(failure)}
      </Alert>
    );
  }
  if (!status.data) return <DetailSkeleton />;
  if (uploaded && draft.data) {
    return <DraftView draft={draft.data} onStarted={() => void status.refetch()} onChooseAnother={another} />;
  }
  return <ImportRun status={status.data} onImportAnother={another} />;
}

function DetailSkeleton() {
  return (
    <div className="space-y-6" role="status" aria-busy="true" aria-label="Loading the import">
      <Card>
        <CardContent className="flex items-center gap-4">
          <Skeleton className="size-11 rounded-xl" />
          <SkeletonLines lines={["h-4 w-48", "h-4 w-72"]} className="space-y-2" />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <Skeleton className="h-5 w-40" />
          <Skeleton className="h-4 w-96 max-w-full" />
        </CardHeader>
        <CardContent className="space-y-3">
          {["a", "b", "c", "d"].map((k) => (
            <Skeleton key={k} className="h-10 w-full" />
          ))}
        </CardContent>
      </Card>
    </div>
  );
}
