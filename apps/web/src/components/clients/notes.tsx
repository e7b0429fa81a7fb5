import { Pencil, StickyNote, Trash2 } from "lucide-react";
import { type FormEvent, type KeyboardEvent, useRef, useState } from "react";
import { type Note, useTimeZone } from "../../lib/clients";
import { isStaleVersion, userMessage } from "../../lib/errors";
import { formatDateTime } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { QueryError } from "../query-state";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { RelativeTime } from "../ui/relative-time";
import { Skeleton } from "../ui/skeleton";
import { Textarea } from "../ui/textarea";
import { useToast } from "../ui/toast";

/** Ctrl/Cmd+Enter submits the surrounding form. */
function submitOnModEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}

function useNoteInvalidation(clientId: string) {
  const utils = trpc.useUtils();
  return () => Promise.all([utils.notes.list.invalidate({ clientId }), utils.activity.list.invalidate({ clientId })]);
}

export function NotesSection({ clientId }: { clientId: string }) {
  const notes = trpc.notes.list.useQuery({ clientId });
  return (
    <div className="space-y-5">
      <NoteComposer clientId={clientId} />
      {notes.isPending ? (
        <div className="space-y-3" role="status" aria-busy="true" aria-label="Loading notes">
          {["a", "b"].map((k) => (
            <div key={k} className="space-y-2 rounded-lg border border-zinc-100 p-4">
              <Skeleton className="h-3.5 w-full" />
              <Skeleton className="h-3.5 w-2/3" />
            </div>
          ))}
        </div>
      ) : notes.isError ? (
        <QueryError query={notes} />
      ) : notes.data.length === 0 ? (
        <div className="flex flex-col items-center rounded-lg border border-dashed border-zinc-200 px-4 py-8 text-center">
          <StickyNote className="mb-2 size-6 text-zinc-300" aria-hidden="true" />
          <p className="text-sm text-zinc-500">No notes yet. What did you talk about last time?</p>
        </div>
      ) : (
        <ol className="space-y-3" aria-label="Notes, newest first">
          {notes.data.map((note) => (
            <NoteItem key={note.id} note={note} clientId={clientId} />
          ))}
        </ol>
      )}
    </div>
  );
}

function NoteComposer({ clientId }: { clientId: string }) {
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  const invalidate = useNoteInvalidation(clientId);
  const create = trpc.notes.create.useMutation({
    onSuccess: async () => {
      setBody("");
      await invalidate();
    },
    onError: (e) => setError(userMessage(e)),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!body.trim()) {
      setError("Write something first");
      ref.current?.focus();
      return;
    }
    setError(null);
    create.mutate({ clientId, body });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-2">
      <label htmlFor="new-note" className="sr-only">
        New note
      </label>
      <Textarea
        ref={ref}
        id="new-note"
        placeholder="Write a note… (Ctrl+Enter to save)"
        value={body}
        invalid={Boolean(error)}
        aria-describedby={error ? "new-note-error" : undefined}
        onChange={(e) => {
          setBody(e.target.value);
          if (error) setError(null);
        }}
        onKeyDown={submitOnModEnter}
      />
      <div className="flex items-center justify-between gap-3">
        <p id="new-note-error" className="text-sm text-red-600">
          {error}
        </p>
        <Button type="submit" size="sm" loading={create.isPending} disabled={!body.trim()}>
          Add note
        </Button>
      </div>
    </form>
  );
}

function NoteItem({ note, clientId }: { note: Note; clientId: string }) {
  const zone = useTimeZone();
  const { toast } = useToast();
  const utils = trpc.useUtils();
  const invalidate = useNoteInvalidation(clientId);
  const [editing, setEditing] = useState<{ body: string; version: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);

  const update = trpc.notes.update.useMutation({
    onSuccess: async () => {
      setEditing(null);
      setError(null);
      await invalidate();
    },
    onError: setError,
  });
  const remove = trpc.notes.delete.useMutation({
    onSuccess: async () => {
      setConfirming(false);
      toast({ title: "Note deleted" });
      await invalidate();
    },
    onError: (e) => {
      setConfirming(false);
      toast({ title: "Could not delete the note", description: userMessage(e), variant: "error" });
    },
  });

  async function reload() {
    const fresh = await utils.notes.list.fetch({ clientId }, { staleTime: 0 });
    const current = fresh.find((n) => n.id === note.id);
    setError(null);
    setEditing(current ? { body: current.body, version: current.version } : null);
  }

  // Any saved edit bumps the version (comparing times missed an edit made within a second).
  const edited = note.version > 1;

  return (
    <li className="group rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
      <div className="mb-1.5 flex items-center justify-between gap-2">
        <p className="text-xs text-zinc-500">
          <RelativeTime at={note.createdAt} zone={zone} />
          {edited ? <span title={`Edited ${formatDateTime(note.updatedAt, zone)}`}> · edited</span> : null}
        </p>
        {editing ? null : (
          <div className="-my-1 -mr-2 flex gap-0.5 opacity-100 transition-opacity sm:opacity-0 sm:group-focus-within:opacity-100 sm:group-hover:opacity-100">
            <button
              type="button"
              onClick={() => setEditing({ body: note.body, version: note.version })}
              className="flex size-7 items-center justify-center rounded-md text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
              aria-label="Edit note"
              title="Edit"
            >
              <Pencil className="size-3.5" aria-hidden="true" />
            </button>
            <button
              type="button"
              onClick={() => setConfirming(true)}
              className="flex size-7 items-center justify-center rounded-md text-zinc-400 hover:bg-red-50 hover:text-red-600"
              aria-label="Delete note"
              title="Delete"
            >
              <Trash2 className="size-3.5" aria-hidden="true" />
            </button>
          </div>
        )}
      </div>
      {editing ? (
        <form
          className="space-y-2"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!editing.body.trim()) {
              setError(new Error("Write something first"));
              return;
            }
            update.mutate({ id: note.id, version: editing.version, body: editing.body });
          }}
        >
          <label htmlFor={`note-${note.id}`} className="sr-only">
            Edit note
          </label>
          <Textarea
            id={`note-${note.id}`}
            autoFocus
            rows={Math.min(12, Math.max(3, editing.body.split("\n").length + 1))}
            value={editing.body}
            onChange={(e) => setEditing({ ...editing, body: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === "Escape") setEditing(null);
              else submitOnModEnter(e);
            }}
          />
          {error ? (
            isStaleVersion(error) ? (
              <Alert
                variant="error"
                action={
                  <Button variant="secondary" size="sm" onClick={reload}>
                    Reload
                  </Button>
                }
              >
                {userMessage(error)}
              </Alert>
            ) : (
              <p className="text-sm text-red-600" role="alert">
                {error instanceof Error && !("data" in error) ? error.message : userMessage(error)}
              </p>
            )
          ) : null}
          <div className="flex justify-end gap-2">
            <Button
              variant="ghost"
              size="sm"
              onClick={() => {
                setEditing(null);
                setError(null);
              }}
            >
              Cancel
            </Button>
            <Button type="submit" size="sm" loading={update.isPending}>
              Save
            </Button>
          </div>
        </form>
      ) : (
        <p className="text-sm leading-relaxed break-words whitespace-pre-wrap text-zinc-800">{note.body}</p>
      )}
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Delete this note?"
        description="The note is removed for good."
        confirmLabel="Delete note"
        onConfirm={() => remove.mutate({ id: note.id })}
        pending={remove.isPending}
      />
    </li>
  );
}
