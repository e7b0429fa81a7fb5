import { CLIENT_STATUSES, type ClientStatus, clientCreateInput, normalizePhone } from "@crm/shared";
import { Link } from "@tanstack/react-router";
import type { RefObject } from "react";
import { type ClientView, STATUS_LABELS, type Stage } from "../../lib/clients";
import { duplicateClientOf, type FieldErrors, validate } from "../../lib/errors";
import { Field } from "../ui/field";
import { Input } from "../ui/input";
import { Select } from "../ui/select";
import { TagInput } from "./tag-input";

export interface ClientFormValues {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company: string;
  status: ClientStatus;
  /** "" means outside the pipeline. */
  stageId: string;
  tags: string[];
  source: string;
}

export type ClientField = keyof ClientFormValues;
export const clientFields = [
  "firstName",
  "lastName",
  "email",
  "phone",
  "company",
  "status",
  "stageId",
  "tags",
  "source",
] as const satisfies readonly ClientField[];

export function emptyClientValues(stageId = ""): ClientFormValues {
  return {
    firstName: "",
    lastName: "",
    email: "",
    phone: "",
    company: "",
    status: "active",
    stageId,
    tags: [],
    source: "",
  };
}

export function valuesFromClient(client: ClientView, formatPhone: (e164: string | null) => string): ClientFormValues {
  return {
    firstName: client.firstName ?? "",
    lastName: client.lastName ?? "",
    email: client.email ?? "",
    phone: formatPhone(client.phone),
    company: client.company ?? "",
    status: client.status,
    stageId: client.stageId ?? "",
    tags: client.tags,
    source: client.source ?? "",
  };
}

/** The same checks the server makes, before the round trip (the phone against the user's region). */
export function validateClient(values: ClientFormValues, region: string): FieldErrors<ClientField> {
  const errors: FieldErrors<ClientField> = validate(clientCreateInput, {
    firstName: values.firstName,
    lastName: values.lastName,
    email: values.email,
    company: values.company,
    tags: values.tags,
    source: values.source,
  } as Record<ClientField, unknown>);
  if (values.phone.trim()) {
    const phone = normalizePhone(values.phone, region);
    if (!phone.ok) errors.phone = phone.message;
  }
  return errors;
}

/** What the API takes: every field (create), or only those that differ from `initial` (update). */
export function clientInput(values: ClientFormValues, initial?: ClientFormValues) {
  const all = {
    firstName: values.firstName,
    lastName: values.lastName,
    email: values.email,
    phone: values.phone,
    company: values.company,
    status: values.status,
    stageId: values.stageId || null,
    tags: values.tags,
    source: values.source,
  };
  if (!initial) return all;
  const changed: Partial<typeof all> = {};
  for (const field of clientFields) {
    const a = values[field];
    const b = initial[field];
    const same = Array.isArray(a) && Array.isArray(b) ? a.join("\u0000") === b.join("\u0000") : a === b;
    if (!same) (changed as Record<string, unknown>)[field] = all[field];
  }
  return changed;
}

export function DuplicateEmailMessage({ error, onNavigate }: { error: unknown; onNavigate?: () => void }) {
  const duplicate = duplicateClientOf(error);
  if (!duplicate) return null;
  return (
    <span>
      <Link
        to="/clients/$clientId"
        params={{ clientId: duplicate.clientId }}
        onClick={onNavigate}
        className="font-medium underline underline-offset-2 hover:text-red-800"
      >
        {duplicate.name}
      </Link>{" "}
      already has this email
    </span>
  );
}

function regionName(region: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(region) ?? region;
  } catch {
    return region;
  }
}

export interface ClientFormFieldsProps {
  values: ClientFormValues;
  errors: FieldErrors<ClientField>;
  /** The server's duplicate-email answer, shown under the email with a link to that client. */
  duplicateError?: unknown;
  onChange: <F extends ClientField>(field: F, value: ClientFormValues[F]) => void;
  stages: readonly Stage[];
  tagSuggestions?: readonly string[];
  phoneRegion: string;
  firstFieldRef?: RefObject<HTMLInputElement | null>;
  emailRef?: RefObject<HTMLInputElement | null>;
  onNavigate?: () => void;
}

export function ClientFormFields({
  values,
  errors,
  duplicateError,
  onChange,
  stages,
  tagSuggestions,
  phoneRegion,
  firstFieldRef,
  emailRef,
  onNavigate,
}: ClientFormFieldsProps) {
  const emailError = duplicateClientOf(duplicateError) ? (
    <DuplicateEmailMessage error={duplicateError} onNavigate={onNavigate} />
  ) : (
    errors.email
  );
  return (
    <div className="grid gap-x-4 gap-y-4 sm:grid-cols-2">
      <Field label="First name" error={errors.firstName}>
        {({ invalid, ...control }) => (
          <Input
            {...control}
            ref={firstFieldRef}
            name="firstName"
            autoComplete="off"
            invalid={invalid}
            value={values.firstName}
            onChange={(e) => onChange("firstName", e.target.value)}
          />
        )}
      </Field>
      <Field label="Last name" error={errors.lastName}>
        {({ invalid, ...control }) => (
          <Input
            {...control}
            name="lastName"
            autoComplete="off"
            invalid={invalid}
            value={values.lastName}
            onChange={(e) => onChange("lastName", e.target.value)}
          />
        )}
      </Field>
      <Field label="Email" error={emailError}>
        {({ invalid, ...control }) => (
          <Input
            {...control}
            ref={emailRef}
            type="email"
            name="email"
            autoComplete="off"
            invalid={invalid}
            value={values.email}
            onChange={(e) => onChange("email", e.target.value)}
          />
        )}
      </Field>
      <Field
        label="Phone"
        error={errors.phone}
        hint={`Numbers without a country code are read as ${regionName(phoneRegion)} numbers; start others with +`}
      >
        {({ invalid, ...control }) => (
          <Input
            {...control}
            type="tel"
            name="phone"
            autoComplete="off"
            invalid={invalid}
            value={values.phone}
            onChange={(e) => onChange("phone", e.target.value)}
          />
        )}
      </Field>
      <Field label="Company" error={errors.company}>
        {({ invalid, ...control }) => (
          <Input
            {...control}
            name="company"
            autoComplete="off"
            invalid={invalid}
            value={values.company}
            onChange={(e) => onChange("company", e.target.value)}
          />
        )}
      </Field>
      <Field label="Source" error={errors.source} hint="Where they came from, e.g. Referral">
        {({ invalid, ...control }) => (
          <Input
            {...control}
            name="source"
            autoComplete="off"
            invalid={invalid}
            value={values.source}
            onChange={(e) => onChange("source", e.target.value)}
          />
        )}
      </Field>
      <Field label="Status" error={errors.status}>
        {({ invalid, ...control }) => (
          <Select
            {...control}
            name="status"
            invalid={invalid}
            value={values.status}
            onChange={(e) => onChange("status", e.target.value as ClientStatus)}
          >
            {CLIENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Pipeline stage" error={errors.stageId}>
        {({ invalid, ...control }) => (
          <Select
            {...control}
            name="stageId"
            invalid={invalid}
            value={values.stageId}
            onChange={(e) => onChange("stageId", e.target.value)}
          >
            {stages.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
            <option value="">Not in pipeline</option>
          </Select>
        )}
      </Field>
      <Field label="Tags" error={errors.tags} hint="Press Enter or comma after each tag" className="sm:col-span-2">
        {({ invalid, ...control }) => (
          <TagInput
            {...control}
            invalid={invalid}
            value={values.tags}
            onChange={(tags) => onChange("tags", tags)}
            suggestions={tagSuggestions}
          />
        )}
      </Field>
    </div>
  );
}
