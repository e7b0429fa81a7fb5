import { CONSENT_BASES, CONSENT_BASIS_LABELS, type ConsentBasis } from "@crm/shared";
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useRef, useState } from "react";
import { usePhoneRegion, useStages } from "../../lib/clients";
import { duplicateClientOf, type FormErrors, formErrorsFrom, hasErrors } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog, DialogClose, DialogContent } from "../ui/dialog";
import { Field } from "../ui/field";
import { Select } from "../ui/select";
import { useToast } from "../ui/toast";
import {
  type ClientField,
  ClientFormFields,
  type ClientFormValues,
  clientFields,
  clientInput,
  emptyClientValues,
  validateClient,
} from "./client-form";
import { CONSENT_BASIS_HINTS } from "./consent-section";

export function NewClientDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {open ? <NewClientForm onDone={() => onOpenChange(false)} /> : null}
    </Dialog>
  );
}

function NewClientForm({ onDone }: { onDone: () => void }) {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const { toast } = useToast();
  const region = usePhoneRegion();
  const { stages } = useStages();
  const tags = trpc.clients.tags.useQuery();
  const [values, setValues] = useState<ClientFormValues>(() => emptyClientValues());
  const [stageTouched, setStageTouched] = useState(false);
  const [errors, setErrors] = useState<FormErrors<ClientField>>({ fields: {} });
  const [serverError, setServerError] = useState<unknown>(null);
  const [basis, setBasis] = useState<ConsentBasis | "">("");
  const firstRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  // New clients enter the pipeline's first stage unless the user picks another (or none).
  const shown: ClientFormValues = stageTouched ? values : { ...values, stageId: stages[0]?.id ?? "" };

  const create = trpc.clients.create.useMutation({
    onSuccess: async (client) => {
      await Promise.all([
        utils.clients.list.invalidate(),
        utils.clients.tags.invalidate(),
        utils.pipeline.board.invalidate(),
      ]);
      toast({
        title: `Added ${client.name}`,
        action: {
          label: "View",
          onClick: () => void navigate({ to: "/clients/$clientId", params: { clientId: client.id } }),
        },
      });
      onDone();
    },
    onError: (error) => {
      setServerError(error);
      const next = formErrorsFrom(error, clientFields);
      setErrors(next);
      if (next.fields.email || duplicateClientOf(error)) emailRef.current?.focus();
      else if (next.fields.firstName) firstRef.current?.focus();
    },
  });

  function set<F extends ClientField>(field: F, value: ClientFormValues[F]) {
    if (field === "stageId") setStageTouched(true);
    setValues((v) => ({ ...(stageTouched ? v : { ...v, stageId: stages[0]?.id ?? "" }), [field]: value }));
    if (errors.fields[field] || errors.form) setErrors({ fields: { ...errors.fields, [field]: undefined } });
    if (field === "email") setServerError(null);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fieldErrors = validateClient(shown, region);
    if (hasErrors(fieldErrors)) {
      setErrors({ fields: fieldErrors });
      if (fieldErrors.firstName) firstRef.current?.focus();
      else if (fieldErrors.email) emailRef.current?.focus();
      return;
    }
    setErrors({ fields: {} });
    setServerError(null);
    const input = { ...clientInput(shown), ...(basis ? { consent: { basis } } : {}) };
    // Leave the stage out when it is the default, so the server picks the first stage itself.
    create.mutate(stageTouched ? input : { ...input, stageId: undefined });
  }

  return (
    <DialogContent
      size="lg"
      title="New client"
      description="A name or an email is enough to start; add the rest later."
      footer={
        <>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button type="submit" form="new-client-form" loading={create.isPending}>
            {create.isPending ? "Adding…" : "Add client"}
          </Button>
        </>
      }
    >
      <form id="new-client-form" onSubmit={onSubmit} noValidate className="space-y-4">
        {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
        <ClientFormFields
          values={shown}
          errors={errors.fields}
          duplicateError={serverError}
          onChange={set}
          stages={stages}
          tagSuggestions={tags.data}
          phoneRegion={region}
          firstFieldRef={firstRef}
          emailRef={emailRef}
          onNavigate={onDone}
        />
        <Field
          label="Lawful basis"
          hint={
            basis ? CONSENT_BASIS_HINTS[basis] : "Optional: why you may hold their data (see the client page for more)."
          }
          className="sm:w-1/2 sm:pr-2"
        >
          {(control) => (
            <Select
              {...control}
              name="consentBasis"
              value={basis}
              onChange={(e) => setBasis(e.target.value as ConsentBasis | "")}
            >
              <option value="">Not recorded</option>
              {CONSENT_BASES.map((b) => (
                <option key={b} value={b}>
                  {CONSENT_BASIS_LABELS[b]}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </form>
    </DialogContent>
  );
}
