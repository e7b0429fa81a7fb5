import { type FormEvent, useRef, useState } from "react";
import { type FormErrors, formErrorsFrom, hasErrors, type SafeParseSchema, validate } from "../lib/errors";
import { PasswordInput } from "./password-input";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";
import { Field } from "./ui/field";
import { Input } from "./ui/input";

export interface AuthFieldSpec<F extends string> {
  name: F;
  label: string;
  type: "text" | "email" | "password";
  autoComplete: string;
  hint?: string;
  minLength?: number;
}

/** The part of a tRPC mutation the form drives (sign in, sign up). */
export interface AuthMutation<I> {
  mutate(input: I, options: { onError: (error: unknown) => void }): void;
  isPending: boolean;
}

export interface AuthFormProps<F extends string, I> {
  fields: readonly AuthFieldSpec<F>[];
  /** Checked in the browser before anything is sent (the shared schema the server uses too). */
  schema: SafeParseSchema;
  mutation: AuthMutation<I>;
  toInput: (values: Record<F, string>) => I;
  submitLabel: string;
  pendingLabel: string;
  /** Kept mounted but out of sight (sign-in's code step), so the values survive a step back. */
  hidden?: boolean;
}

/**
 * The sign-in and sign-up form: fields checked against the shared schema, server errors shown next to
 * their field (or above the form), and the first field in error focused.
 */
export function AuthForm<F extends string, I>({
  fields,
  schema,
  mutation,
  toInput,
  submitLabel,
  pendingLabel,
  hidden = false,
}: AuthFormProps<F, I>) {
  const names = fields.map((f) => f.name);
  const [values, setValues] = useState(() => Object.fromEntries(names.map((n) => [n, ""])) as Record<F, string>);
  const [errors, setErrors] = useState<FormErrors<F>>({ fields: {} });
  const refs = useRef(new Map<F, HTMLInputElement | null>());

  function showErrors(next: FormErrors<F>) {
    setErrors(next);
    const first = names.find((n) => next.fields[n]);
    if (first) refs.current.get(first)?.focus();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fieldErrors = validate(schema, values);
    if (hasErrors(fieldErrors)) return showErrors({ fields: fieldErrors });
    setErrors({ fields: {} });
    mutation.mutate(toInput(values), { onError: (error) => showErrors(formErrorsFrom(error, names)) });
  }

  function update(field: F, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors.fields[field]) setErrors((e) => ({ ...e, fields: { ...e.fields, [field]: undefined } }));
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" hidden={hidden}>
      {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
      {fields.map((spec, i) => {
        const Control = spec.type === "password" ? PasswordInput : Input;
        return (
          <Field key={spec.name} label={spec.label} error={errors.fields[spec.name]} hint={spec.hint}>
            {({ invalid, ...control }) => (
              <Control
                {...control}
                ref={(node: HTMLInputElement | null) => {
                  refs.current.set(spec.name, node);
                }}
                {...(spec.type === "password" ? {} : { type: spec.type })}
                name={spec.name}
                autoComplete={spec.autoComplete}
                autoFocus={i === 0}
                required
                minLength={spec.minLength}
                invalid={invalid}
                value={values[spec.name]}
                onChange={(e) => update(spec.name, e.target.value)}
              />
            )}
          </Field>
        );
      })}
      <Button type="submit" size="lg" className="w-full" loading={mutation.isPending}>
        {mutation.isPending ? pendingLabel : submitLabel}
      </Button>
    </form>
  );
}
