import { changeEmailInput } from "@crm/shared";
import { type FormEvent, useRef, useState } from "react";
import { PasswordInput } from "../../../../components/password-input";
import { Alert } from "../../../../components/ui/alert";
import { Button } from "../../../../components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../../../../components/ui/card";
import { Field } from "../../../../components/ui/field";
import { Input } from "../../../../components/ui/input";
import { useCurrentUser } from "../../../../lib/auth";
import { type FormErrors, formErrorsFrom, hasErrors, validate } from "../../../../lib/errors";
import { trpc } from "../../../../lib/trpc";

type EmailField = "email" | "password";
const emailFields = ["email", "password"] as const;

/**
 * Changing the sign-in address: nothing changes until the link sent to the new address is opened, and
 * the card says exactly that (or, with no email provider, that the link went to the server log).
 */
export function EmailChangeCard() {
  const user = useCurrentUser();
  const [values, setValues] = useState<Record<EmailField, string>>({ email: "", password: "" });
  const [errors, setErrors] = useState<FormErrors<EmailField>>({ fields: {} });
  const [pending, setPending] = useState<{ email: string; delivery: "email" | "outbox" } | null>(null);
  const refs = { email: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null) };

  const change = trpc.auth.changeEmail.useMutation({
    onSuccess: ({ pendingEmail, delivery }) => {
      setPending({ email: pendingEmail, delivery });
      setValues({ email: "", password: "" });
    },
    onError: (error) => showErrors(formErrorsFrom(error, emailFields)),
  });

  function showErrors(next: FormErrors<EmailField>) {
    setErrors(next);
    const first = emailFields.find((f) => next.fields[f]);
    if (first) refs[first].current?.focus();
  }

  function set(field: EmailField, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors.fields[field] || errors.form) setErrors({ fields: { ...errors.fields, [field]: undefined } });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = { email: values.email.trim(), password: values.password };
    const fieldErrors = validate(changeEmailInput, input);
    if (hasErrors(fieldErrors)) return showErrors({ fields: fieldErrors });
    setErrors({ fields: {} });
    setPending(null);
    change.mutate(input);
  }

  // Signed out meanwhile (the page is on its way to sign-in): nothing to change.
  if (!user) return null;
  return (
    <Card>
      <form onSubmit={onSubmit} noValidate aria-labelledby="email-change-heading">
        <CardHeader>
          <CardTitle id="email-change-heading">Sign-in email</CardTitle>
          <CardDescription>
            You sign in with <span className="font-medium text-zinc-900">{user.email}</span>
            {user ? (user.emailVerified ? " (confirmed)." : " (not confirmed yet).") : "."} A new address takes effect
            once you open the link we send to it.
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-5">
          {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
          {pending?.delivery === "email" ? (
            <Alert variant="success" title={`Check ${pending.email}`}>
              Open the link we sent there within 24 hours to finish the change. Until then you keep signing in with{" "}
              {user.email}, which we told about the request.
            </Alert>
          ) : pending ? (
            <Alert variant="warning" title="No email was sent">
              This server has no email provider, so the link for {pending.email} was written to the server's log. Ask
              the person who runs it for the link; until it is opened you keep signing in with {user.email}.
            </Alert>
          ) : null}
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="New email" error={errors.fields.email}>
              {({ invalid, ...control }) => (
                <Input
                  {...control}
                  ref={refs.email}
                  type="email"
                  name="newEmail"
                  autoComplete="email"
                  invalid={invalid}
                  value={values.email}
                  onChange={(e) => set("email", e.target.value)}
                />
              )}
            </Field>
            <Field label="Password" error={errors.fields.password} hint="Your current one, to make sure it's you.">
              {({ invalid, ...control }) => (
                <PasswordInput
                  {...control}
                  ref={refs.password}
                  name="password"
                  autoComplete="current-password"
                  invalid={invalid}
                  value={values.password}
                  onChange={(e) => set("password", e.target.value)}
                />
              )}
            </Field>
          </div>
        </CardContent>
        <CardFooter>
          <Button type="submit" loading={change.isPending}>
            {change.isPending ? "Sending…" : "Change email"}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
