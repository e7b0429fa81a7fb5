import { loginInput } from "@crm/shared";
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
import { safeRedirect } from "../lib/utils";

type LoginField = "email" | "password";
const fields = ["email", "password"] as const;

export const Route = createFileRoute("/login")({
  validateSearch: (search: Record<string, unknown>): { redirect?: string } =>
    typeof search.redirect === "string" ? { redirect: search.redirect } : {},
  beforeLoad: async ({ context, search }) => {
    // Already signed in: skip the form. If the server cannot be asked, show the form anyway.
    const user = await context.trpc.auth.me.ensureData().catch(() => null);
    if (user) throw redirect({ href: safeRedirect(search.redirect), replace: true });
  },
  component: LoginPage,
});

function LoginPage() {
  useDocumentTitle("Sign in");
  const search = Route.useSearch();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FormErrors<LoginField>>({ fields: {} });
  const refs = { email: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null) };

  const login = trpc.auth.login.useMutation({
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

  function focusFirst(fieldErrors: FormErrors<LoginField>["fields"]) {
    const first = fields.find((f) => fieldErrors[f]);
    if (first) refs[first].current?.focus();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fieldErrors = validate(loginInput, { email, password });
    if (hasErrors(fieldErrors)) {
      setErrors({ fields: fieldErrors });
      focusFirst(fieldErrors);
      return;
    }
    setErrors({ fields: {} });
    login.mutate({ email: email.trim(), password });
  }

  function clearError(field: LoginField) {
    if (errors.fields[field]) setErrors((e) => ({ ...e, fields: { ...e.fields, [field]: undefined } }));
  }

  return (
    <AuthLayout
      title="Sign in to your account"
      subtitle="Welcome back. Pick up where you left off."
      footer={
        <>
          New here?{" "}
          <Link
            to="/signup"
            search={search.redirect ? { redirect: search.redirect } : {}}
            className="rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline"
          >
            Create an account
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate className="space-y-5">
        {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
        <Field label="Email" error={errors.fields.email}>
          {({ invalid, ...control }) => (
            <Input
              {...control}
              ref={refs.email}
              type="email"
              name="email"
              autoComplete="email"
              autoFocus
              required
              invalid={invalid}
              value={email}
              onChange={(e) => {
                setEmail(e.target.value);
                clearError("email");
              }}
            />
          )}
        </Field>
        <Field label="Password" error={errors.fields.password}>
          {({ invalid, ...control }) => (
            <PasswordInput
              {...control}
              ref={refs.password}
              name="password"
              autoComplete="current-password"
              required
              invalid={invalid}
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                clearError("password");
              }}
            />
          )}
        </Field>
        <Button type="submit" size="lg" className="w-full" loading={login.isPending}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </AuthLayout>
  );
}
