import {
  type ClientConsentInput,
  CONSENT_BASES,
  CONSENT_BASIS_LABELS,
  CONSENT_SOURCE_MAX,
  type ConsentBasis,
  instantToWallClock,
  startOfLocalDay,
} from "@crm/shared";
import { Pencil, ShieldCheck } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { type ClientView, useTimeZone } from "../../lib/clients";
import { type FieldErrors, formErrorsFrom, isStaleVersion, userMessage } from "../../lib/errors";
import { formatDate, formatDateTime } from "../../lib/format";
import { trpc } from "../../lib/trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "../ui/card";
import { Dialog, DialogClose, DialogContent } from "../ui/dialog";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Select } from "../ui/select";
import { useToast } from "../ui/toast";

/** The bases in plain words, under the select (see docs/privacy.md). */
export const CONSENT_BASIS_HINTS: Record<ConsentBasis, string> = {
  consent: "They agreed to you keeping their data for this purpose, and can take it back at any time.",
  contract: "You need their data to deliver what they signed up for.",
  legitimate_interest: "You have a need they would reasonably expect, weighed against their interests.",
  legal_obligation: "A law requires you to keep it (tax, health or professional records).",
};

/** The client page's "Consent & lawful basis" card: what is recorded, and a dialog to change it. */
export function ConsentSection({ client }: { client: ClientView }) {
  const zone = useTimeZone();
  const [editing, setEditing] = useState(false);
  const { consent } = client;
  const date = (at: Date | null) => (at ? <span title={formatDateTime(at, zone)}>{formatDate(at, zone)}</span> : null);

  return (
    <section aria-labelledby="consent-heading">
      <Card>
        <CardHeader className="flex flex-row items-center justify-between gap-3 space-y-0">
          <CardTitle id="consent-heading" className="flex items-center gap-2">
            <ShieldCheck className="size-4 text-zinc-500" aria-hidden="true" />
            Consent &amp; lawful basis
          </CardTitle>
          <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
            <Pencil className="size-4" aria-hidden="true" />
            Edit<span className="sr-only"> consent</span>
          </Button>
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-5 lg:grid-cols-4 lg:gap-x-8">
            <Item label="Lawful basis">
              {consent.basis ? (
                CONSENT_BASIS_LABELS[consent.basis]
              ) : (
                <span className="text-amber-700">Not recorded</span>
              )}
            </Item>
            <Item label="Given on">{date(consent.givenAt)}</Item>
            <Item label="How it was given" className="col-span-2 lg:col-span-1">
              {consent.source}
            </Item>
            <Item label="Marketing email" className="col-span-2 lg:col-span-1">
              {consent.marketing ? (
                <>Agreed{consent.marketingAt ? <> on {date(consent.marketingAt)}</> : null}</>
              ) : (
                "Not agreed"
              )}
            </Item>
          </dl>
        </CardContent>
      </Card>
      <Dialog open={editing} onOpenChange={setEditing}>
        {editing ? <ConsentForm client={client} onDone={() => setEditing(false)} /> : null}
      </Dialog>
    </section>
  );
}

function Item({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={className ?? "min-w-0"}>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-1 min-w-0 text-sm break-words text-zinc-900">
        {children === null || children === undefined || children === "" ? (
          <span className="text-zinc-500">—</span>
        ) : (
          children
        )}
      </dd>
    </div>
  );
}

interface ConsentValues {
  basis: ConsentBasis | "";
  /** yyyy-MM-dd in the user's zone, or "". */
  givenOn: string;
  source: string;
  marketing: boolean;
  marketingOn: string;
}

const FIELDS = [
  "consent.basis",
  "consent.givenAt",
  "consent.source",
  "consent.marketing",
  "consent.marketingAt",
] as const;
type ConsentField = (typeof FIELDS)[number];

function day(at: Date | null, zone: string): string {
  return at ? instantToWallClock(at, zone).slice(0, 10) : "";
}

function valuesOf(client: ClientView, zone: string): ConsentValues {
  const c = client.consent;
  return {
    basis: c.basis ?? "",
    givenOn: day(c.givenAt, zone),
    source: c.source ?? "",
    marketing: c.marketing,
    marketingOn: day(c.marketingAt, zone),
  };
}

/** The changes to send: only what differs from what was read, dates as the start of the chosen day. */
function changesOf(values: ConsentValues, initial: ConsentValues, zone: string, today: string) {
  const errors: FieldErrors<ConsentField> = {};
  const changes: ClientConsentInput = {};
  if (values.basis !== initial.basis) changes.basis = values.basis || null;
  if (values.givenOn !== initial.givenOn) {
    if (values.givenOn > today) errors["consent.givenAt"] = "Consent date cannot be in the future";
    changes.givenAt = values.givenOn ? startOfLocalDay(values.givenOn, zone) : null;
  }
  if (values.source.trim() !== initial.source) changes.source = values.source;
  if (!values.basis && (values.givenOn || values.source.trim())) {
    errors["consent.basis"] = "Choose the lawful basis this consent belongs to, or clear the date and source";
  }
  if (values.marketing !== initial.marketing) changes.marketing = values.marketing;
  if (values.marketing && values.marketingOn !== initial.marketingOn) {
    if (values.marketingOn > today) errors["consent.marketingAt"] = "Marketing consent date cannot be in the future";
    // Today (the default when ticking the box) or no day: null, dated now by the server's clock.
    changes.marketingAt =
      values.marketingOn && values.marketingOn !== today ? startOfLocalDay(values.marketingOn, zone) : null;
  }
  return { changes, errors };
}

function ConsentForm({ client, onDone }: { client: ClientView; onDone: () => void }) {
  const zone = useTimeZone() ?? "UTC";
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const [base, setBase] = useState(client);
  const initial = valuesOf(base, zone);
  const [values, setValues] = useState<ConsentValues>(initial);
  const [errors, setErrors] = useState<{ fields: FieldErrors<ConsentField>; form?: string }>({ fields: {} });
  const [serverError, setServerError] = useState<unknown>(null);
  const [reloading, setReloading] = useState(false);
  const today = day(new Date(), zone);
  const stale = isStaleVersion(serverError);
  const id = useId();

  const update = trpc.clients.update.useMutation({
    onSuccess: async (saved) => {
      utils.clients.get.setData({ id: saved.id }, saved);
      toast({ title: "Consent saved" });
      onDone();
      await Promise.all([utils.clients.list.invalidate(), utils.activity.list.invalidate({ clientId: saved.id })]);
    },
    onError: (error) => {
      setServerError(error);
      setErrors(isStaleVersion(error) ? { fields: {} } : formErrorsFrom(error, FIELDS));
    },
  });

  function set<K extends keyof ConsentValues>(key: K, value: ConsentValues[K]) {
    setValues((v) => {
      const next = { ...v, [key]: value };
      // Ticking the box dates the consent today unless another day is chosen.
      if (key === "marketing" && value === true && !v.marketingOn) next.marketingOn = today;
      if (key === "marketing" && value === false) next.marketingOn = "";
      // "Not recorded" takes the basis's date and source with it (as the server does).
      if (key === "basis" && value === "") Object.assign(next, { givenOn: "", source: "" });
      return next;
    });
    setErrors({ fields: {} });
  }

  async function reload() {
    setReloading(true);
    try {
      const fresh = await utils.clients.get.fetch({ id: client.id }, { staleTime: 0 });
      setBase(fresh);
      setValues(valuesOf(fresh, zone));
      setServerError(null);
      setErrors({ fields: {} });
    } catch (error) {
      setServerError(error);
    } finally {
      setReloading(false);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const { changes, errors: found } = changesOf(values, initial, zone, today);
    if (Object.values(found).some(Boolean)) {
      setErrors({ fields: found });
      return;
    }
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    setServerError(null);
    update.mutate({ id: base.id, version: base.version, consent: changes });
  }

  const f = errors.fields;
  return (
    <DialogContent
      title="Consent & lawful basis"
      description={`Why you may hold ${client.name}'s data, and whether they agreed to marketing email.`}
      footer={
        <>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button type="submit" form="consent-form" loading={update.isPending}>
            {update.isPending ? "Saving…" : "Save"}
          </Button>
        </>
      }
    >
      <form id="consent-form" onSubmit={onSubmit} noValidate className="space-y-4">
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
            Someone changed this client after you opened this form. Reload to see the current values, then make your
            change again.
          </Alert>
        ) : errors.form ? (
          <Alert variant="error">{errors.form}</Alert>
        ) : null}
        <Field
          label="Lawful basis"
          error={f["consent.basis"]}
          hint={values.basis ? CONSENT_BASIS_HINTS[values.basis] : "Not recorded yet."}
        >
          {({ invalid, ...control }) => (
            <Select
              {...control}
              name="basis"
              invalid={invalid}
              value={values.basis}
              onChange={(e) => set("basis", e.target.value as ConsentBasis | "")}
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
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Given on" error={f["consent.givenAt"]}>
            {({ invalid, ...control }) => (
              <Input
                {...control}
                type="date"
                name="givenOn"
                max={today}
                invalid={invalid}
                value={values.givenOn}
                onChange={(e) => set("givenOn", e.target.value)}
              />
            )}
          </Field>
          <Field label="How it was given" error={f["consent.source"]} hint="e.g. Intake form, signed agreement">
            {({ invalid, ...control }) => (
              <Input
                {...control}
                name="source"
                autoComplete="off"
                maxLength={CONSENT_SOURCE_MAX}
                invalid={invalid}
                value={values.source}
                onChange={(e) => set("source", e.target.value)}
              />
            )}
          </Field>
        </div>
        <fieldset className="space-y-3 rounded-lg border border-zinc-200 p-4">
          <legend className="px-1 text-sm font-medium text-zinc-900">Marketing email</legend>
          <div className="flex items-start gap-3 text-sm text-zinc-700">
            <input
              id={`${id}-marketing`}
              type="checkbox"
              name="marketing"
              aria-describedby={`${id}-marketing-hint`}
              className="mt-0.5 size-4 shrink-0 accent-indigo-600"
              checked={values.marketing}
              onChange={(e) => set("marketing", e.target.checked)}
            />
            <div>
              <label htmlFor={`${id}-marketing`}>Agreed to receive marketing email</label>
              <p id={`${id}-marketing-hint`} className="text-zinc-500">
                Separate from the lawful basis; they can withdraw it at any time.
              </p>
            </div>
          </div>
          {values.marketing ? (
            <Field label="Agreed on" error={f["consent.marketingAt"]}>
              {({ invalid, ...control }) => (
                <Input
                  {...control}
                  type="date"
                  name="marketingOn"
                  max={today}
                  invalid={invalid}
                  value={values.marketingOn}
                  onChange={(e) => set("marketingOn", e.target.value)}
                  className="sm:w-1/2"
                />
              )}
            </Field>
          ) : null}
          {f["consent.marketing"] ? <p className="text-sm text-red-600">{f["consent.marketing"]}</p> : null}
        </fieldset>
      </form>
    </DialogContent>
  );
}
