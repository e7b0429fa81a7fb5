import { type FormEvent, useRef, useState } from "react";
import { errorCode, userMessage } from "../lib/errors";
import { type RouterOutputs, trpc } from "../lib/trpc";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";
import { Field } from "./ui/field";
import { Input } from "./ui/input";

type SignedInUser = RouterOutputs["auth"]["verifyTwoFactor"];

export interface TwoFactorStepProps {
  onSignedIn: (user: SignedInUser) => void;
  /** The pending sign-in is gone (5 minutes passed): back to the password, with this message. */
  onExpired: (message: string) => void;
  onCancel: () => void;
}

/** The sign-in's second step: the authenticator app's code, or one of the recovery codes. */
export function TwoFactorStep({ onSignedIn, onExpired, onCancel }: TwoFactorStepProps) {
  const [mode, setMode] = useState<"totp" | "recovery">("totp");
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const verify = trpc.auth.verifyTwoFactor.useMutation({
    onSuccess: onSignedIn,
    onError: (failure) => {
      if (errorCode(failure) === "UNAUTHORIZED") return onExpired(userMessage(failure));
      if (errorCode(failure) === "TOO_MANY_REQUESTS") setFormError(userMessage(failure));
      else setError(userMessage(failure));
      input.current?.select();
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = code.trim();
    if (mode === "totp" && !/^\d{6}$/.test(value.replace(/\s+/g, ""))) {
      setError("Enter the 6-digit code from your authenticator app");
      return input.current?.focus();
    }
    if (mode === "recovery" && value.replace(/[\s-]/g, "").length !== 10) {
      setError("Enter one of your recovery codes, such as abcde-23456");
      return input.current?.focus();
    }
    setError(null);
    setFormError(null);
    verify.mutate({ code: value });
  }

  function switchMode() {
    setMode((m) => (m === "totp" ? "recovery" : "totp"));
    setCode("");
    setError(null);
    // The field is rebuilt for the other kind of code; focus it once it exists.
    setTimeout(() => input.current?.focus(), 0);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-labelledby="two-factor-heading">
      <div className="space-y-1">
        <h2 id="two-factor-heading" className="text-base font-semibold text-zinc-900">
          Two-factor sign-in
        </h2>
        <p className="text-sm text-zinc-600">
          {mode === "totp"
            ? "Enter the 6-digit code your authenticator app shows for this account."
            : "Enter one of the recovery codes you saved when you turned on two-factor sign-in. Each works once."}
        </p>
      </div>
      {formError ? <Alert variant="error">{formError}</Alert> : null}
      <Field label={mode === "totp" ? "Authentication code" : "Recovery code"} error={error ?? undefined}>
        {({ invalid, ...control }) => (
          <Input
            {...control}
            key={mode}
            ref={input}
            name="code"
            autoFocus
            invalid={invalid}
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              if (error) setError(null);
            }}
            {...(mode === "totp"
              ? { inputMode: "numeric" as const, autoComplete: "one-time-code", maxLength: 7, placeholder: "123456" }
              : { autoComplete: "off", autoCapitalize: "none", spellCheck: false, placeholder: "abcde-23456" })}
          />
        )}
      </Field>
      <Button type="submit" size="lg" className="w-full" loading={verify.isPending}>
        {verify.isPending ? "Checking…" : "Verify and sign in"}
      </Button>
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <button
          type="button"
          onClick={switchMode}
          className="rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline"
        >
          {mode === "totp" ? "Use a recovery code" : "Use the authenticator app"}
        </button>
        <button type="button" onClick={onCancel} className="rounded text-zinc-600 hover:text-zinc-900 hover:underline">
          Back to password
        </button>
      </div>
    </form>
  );
}
