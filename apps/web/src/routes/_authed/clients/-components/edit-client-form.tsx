import { type FormEvent, useRef, useState } from "react";
import {
  type ClientField,
  ClientFormFields,
  type ClientFormValues,
  clientFields,
  clientInput,
  validateClient,
  valuesFromClient,
} from "../../../../components/clients/client-form";
import { Alert } from "../../../../components/ui/alert";
import { Button } from "../../../../components/ui/button";
import { Card, CardContent, CardFooter, CardHeader, CardTitle } from "../../../../components/ui/card";
import { useToast } from "../../../../components/ui/toast";
import { type ClientView, usePhoneFormatter, usePhoneRegion, useStages } from "../../../../lib/clients";
import {
  duplicateClientOf,
  type FormErrors,
  formErrorsFrom,
  hasErrors,
  isStaleVersion,
  userMessage,
} from "../../../../lib/errors";
import { trpc } from "../../../../lib/trpc";

/**
 * Edits what was read when editing began: Save sends that version, so a change made elsewhere in the
 * meantime is refused (409) instead of silently overwritten. The user's edits stay on screen until they
 * choose to reload the current values.
 */
export function EditClientForm({ client, onDone }: { client: ClientView; onDone: () => void }) {
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const region = usePhoneRegion();
  const phone = usePhoneFormatter();
  const { stages } = useStages();
  const tags = trpc.clients.tags.useQuery();
  const [base, setBase] = useState(client);
  const initial = valuesFromClient(base, phone);
  const [values, setValues] = useState<ClientFormValues>(initial);
  const [errors, setErrors] = useState<FormErrors<ClientField>>({ fields: {} });
  const [serverError, setServerError] = useState<unknown>(null);
  const [reloading, setReloading] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const stale = isStaleVersion(serverError);

  const update = trpc.clients.update.useMutation({
    onSuccess: async (saved) => {
      utils.clients.get.setData({ id: saved.id }, saved);
      toast({ title: "Changes saved" });
      onDone();
      await Promise.all([
        utils.clients.list.invalidate(),
        utils.clients.tags.invalidate(),
        utils.activity.list.invalidate({ clientId: saved.id }),
        utils.pipeline.board.invalidate(),
      ]);
    },
    onError: (error) => {
      setServerError(error);
      if (isStaleVersion(error)) {
        setErrors({ fields: {} });
        return;
      }
      const next = formErrorsFrom(error, clientFields);
      setErrors(next);
      if (next.fields.email || duplicateClientOf(error)) emailRef.current?.focus();
      else if (next.fields.firstName) firstRef.current?.focus();
    },
  });

  function set<F extends ClientField>(field: F, value: ClientFormValues[F]) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors.fields[field] || errors.form) setErrors({ fields: { ...errors.fields, [field]: undefined } });
    if (field === "email" && duplicateClientOf(serverError)) setServerError(null);
  }

  async function reload() {
    setReloading(true);
    try {
      const fresh = await utils.clients.get.fetch({ id: client.id }, { staleTime: 0 });
      setBase(fresh);
      setValues(valuesFromClient(fresh, phone));
      setServerError(null);
      setErrors({ fields: {} });
      void utils.activity.list.invalidate({ clientId: client.id });
    } catch (error) {
      setServerError(error);
    } finally {
      setReloading(false);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fieldErrors = validateClient(values, region);
    if (hasErrors(fieldErrors)) {
      setErrors({ fields: fieldErrors });
      if (fieldErrors.firstName) firstRef.current?.focus();
      else if (fieldErrors.email) emailRef.current?.focus();
      return;
    }
    const changes = clientInput(values, initial);
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    setErrors({ fields: {} });
    setServerError(null);
    update.mutate({ id: base.id, version: base.version, ...changes });
  }

  return (
    <Card>
      <form onSubmit={onSubmit} noValidate aria-labelledby="edit-client-heading">
        <CardHeader>
          <CardTitle id="edit-client-heading">Edit details</CardTitle>
        </CardHeader>
        <CardContent className="space-y-5">
          {stale ? (
            <Alert
              variant="error"
              title={userMessage(serverError)}
              action={
                <Button variant="secondary" size="sm" onClick={reload} loading={reloading}>
                  Reload
                </Button>
              }
            >
              Someone changed this client after you started editing. Your edits are still below; reload to see the
              current values, then make your change again.
            </Alert>
          ) : errors.form ? (
            <Alert variant="error">{errors.form}</Alert>
          ) : null}
          <ClientFormFields
            values={values}
            errors={errors.fields}
            duplicateError={serverError}
            onChange={set}
            stages={stages}
            tagSuggestions={tags.data}
            phoneRegion={region}
            firstFieldRef={firstRef}
            emailRef={emailRef}
          />
        </CardContent>
        <CardFooter>
          <Button variant="ghost" onClick={onDone} disabled={update.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending}>
            {update.isPending ? "Saving…" : "Save changes"}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
