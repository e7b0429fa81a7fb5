import { useNavigate } from "@tanstack/react-router";
import { Eraser } from "lucide-react";
import { type FormEvent, useState } from "react";
import { userMessage } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogClose, DialogContent } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { useToast } from "../ui/toast";

/**
 * "Erase all data…" (privacy.eraseClient): the right to be forgotten, distinct from Trash. Says what
 * goes and what is kept, and asks for the client's name typed out before it can run.
 * `from="page"` leaves the client's page for the list afterwards; `from="trash"` stays in Trash.
 */
export function EraseClientButton({ client, from }: { client: { id: string; name: string }; from: "page" | "trash" }) {
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [fieldError, setFieldError] = useState<string | null>(null);
  const matches = typed.trim().toLowerCase() === client.name.trim().toLowerCase();
  const erase = trpc.privacy.eraseClient.useMutation({
    onSuccess: async (result) => {
      setOpen(false);
      if (from === "page") await navigate({ to: "/clients" });
      utils.clients.get.setData({ id: client.id }, undefined);
      await Promise.all([
        utils.clients.invalidate(),
        utils.pipeline.board.invalidate(),
        utils.activity.list.invalidate(),
        utils.bookings.invalidate(),
        utils.emails.invalidate(),
      ]);
      toast({
        title: `Erased all data about ${client.name}`,
        description:
          result.googleEventsPending > 0
            ? "Their Google Calendar events are deleted at the next sync."
            : "Nothing about them is left to restore.",
      });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!matches) return setFieldError(`Type ${client.name} to confirm`);
    setFieldError(null);
    erase.mutate({ clientId: client.id });
  }

  return (
    <>
      <Button
        variant="secondary"
        size={from === "trash" ? "sm" : "md"}
        onClick={() => setOpen(true)}
        className="text-red-600 hover:text-red-700"
        aria-label={from === "trash" ? `Erase all data about ${client.name}` : "Erase all data…"}
      >
        <Eraser className="size-4" aria-hidden="true" />
        {from === "trash" ? (
          "Erase"
        ) : (
          <>
            {/* Phones: three header buttons must fit one row. */}
            <span className="sm:hidden">Erase…</span>
            <span className="hidden sm:inline">Erase all data…</span>
          </>
        )}
      </Button>
      <Dialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) {
            setTyped("");
            setFieldError(null);
            erase.reset();
          }
        }}
      >
        <DialogContent
          size="sm"
          title={`Erase all data about ${client.name}?`}
          description="For a request to be forgotten. Unlike Trash, this cannot be undone."
          footer={
            <>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button
                variant="danger"
                type="submit"
                form="erase-client"
                loading={erase.isPending}
                disabled={!matches && !erase.isPending}
              >
                Erase for good
              </Button>
            </>
          }
        >
          <form id="erase-client" onSubmit={onSubmit} noValidate className="space-y-4">
            <ul className="list-disc space-y-1 pl-5 text-sm text-zinc-700">
              <li>The client, their notes and bookings are deleted now, and their Google Calendar events.</li>
              <li>Reminders still waiting to go out to them are cancelled.</li>
              <li>The activity log keeps that something happened, without names, emails or field values.</li>
              <li>Sent emails keep their status and time, without the address, subject or text.</li>
            </ul>
            {erase.error ? <Alert variant="error">{userMessage(erase.error)}</Alert> : null}
            <Field label={`Type ${client.name} to confirm`} error={fieldError ?? undefined}>
              {({ invalid, ...control }) => (
                <Input
                  {...control}
                  name="confirm-name"
                  autoComplete="off"
                  autoFocus
                  invalid={invalid}
                  value={typed}
                  onChange={(e) => {
                    setTyped(e.target.value);
                    if (fieldError) setFieldError(null);
                  }}
                />
              )}
            </Field>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}
