import { isValidTimeZone, PASSWORD_MIN_LENGTH, signupInput } from "@crm/shared";
import { createFileRoute, Link, redirect, useNavigate } from "@tanstack/react-router";
import { type FormEvent, useRef, useState } from "react";
import { AuthLayout } from "../components/auth-layout";
import { PasswordInput } from "../components/password-input";
import { Alert } from "../components/ui/alert";
import { Button } from "../components/ui/button";
import { Field } from "../components/ui/field";
import { Input } from "../components/ui/input";
import { type FormErrors, formErrorsFrom, hasErrors, validate } from "../lib/errors";
import { trpc } from "../lib/trpc";
import { useDocumentTitle } from "../lib/use-document-title";
import { browserTimeZone, safeRedirect } from "../lib/utils";

type SignupField = "name" | "email" | "password";
const fields = ["name", "email", "password"] as const;

export const Route = createFileRoute("/signup")({
  validateSearch: (search: Record<string, unknown>): { redirect?: string } =>
    typeof search.redirect === "string" ? { redirect: search.redirect } : {},
  beforeLoad: async ({ context, search }) => {
    const user = await context.trpc.auth.me.ensureData().catch(() => null);
    if (user) throw redirect({ href: safeRedirect(search.redirect), replace: true });
  },
  component: SignupPage,
});

function SignupPage() {
  useDocumentTitle("Create your account");
  const search = Route.useSearch();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const [values, setValues] = useState<Record<SignupField, string>>({ name: "", email: "", password: "" });
  const [errors, setErrors] = useState<FormErrors<SignupField>>({ fields: {} });
  const refs = {
    name: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };

  const signup = trpc.auth.signup.useMutation({
    onSuccess: async (user) => {
      utils.auth.me.setData(undefined, user);
      await navigate({ href: safeRedirect(search.redirect), replace: true });
    },
    onError: (error) => {
      const next = formErrorsFrom(error, fields);
      setErrors(next);
      focusFirst(next.fields);
    },
  });

  function focusFirst(fieldErrors: FormErrors<SignupField>["fields"]) {
    const first = fields.find((f) => fieldErrors[f]);
    if (first) refs[first].current?.focus();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fieldErrors = validate(signupInput, values);
    if (hasErrors(fieldErrors)) {
      setErrors({ fields: fieldErrors });
      focusFirst(fieldErrors);
      return;
    }
    setErrors({ fields: {} });
    const zone = browserTimeZone();
    signup.mutate({
      name: values.name.trim(),
      email: values.email.trim(),
      password: values.password,
      ...(zone && isValidTimeZone(zone) ? { timeZone: zone } : {}),
    });
  }

  function update(field: SignupField, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors.fields[field]) setErrors((e) => ({ ...e, fields: { ...e.fields, [field]: undefined } }));
  }

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Keep your clients, bookings and pipeline in one calm place."
      footer={
        <>
          Already have an account?{" "}
          <Link
            to="/login"
            search={search.redirect ? { redirect: search.redirect } : {}}
            className="rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline"
          >
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate className="space-y-5">
        {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
        <Field label="Your name" error={errors.fields.name}>
          {({ invalid, ...control }) => (
            <Input
              {...control}
              ref={refs.name}
              name="name"
              autoComplete="name"
              autoFocus
              required
              invalid={invalid}
              value={values.name}
              onChange={(e) => update("name", e.target.value)}
            />
          )}
        </Field>
        <Field label="Email" error={errors.fields.email}>
          {({ invalid, ...control }) => (
            <Input
              {...control}
              ref={refs.email}
              type="email"
              name="email"
              autoComplete="email"
              required
              invalid={invalid}
              value={values.email}
              onChange={(e) => update("email", e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={errors.fields.password} hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}>
          {({ invalid, ...control }) => (
            <PasswordInput
              {...control}
              ref={refs.password}
              name="password"
              autoComplete="new-password"
              required
              minLength={PASSWORD_MIN_LENGTH}
              invalid={invalid}
              value={values.password}
              onChange={(e) => update("password", e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" size="lg" className="w-full" loading={signup.isPending}>
          {signup.isPending ? "Creating account…" : "Create account"}
        </Button>
      </form>
    </AuthLayout>
  );
}
