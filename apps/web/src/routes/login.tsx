import { loginInput } from "@crm/shared";
import { createFileRoute, Link } from "@tanstack/react-router";
import { useState } from "react";
import { DeletionScheduledNotice } from "../components/account/pending-deletion";
import { AuthForm } from "../components/auth-form";
import { AuthLayout } from "../components/auth-layout";
import { TwoFactorStep } from "../components/two-factor-step";
import { Alert } from "../components/ui/alert";
import { authSearch, redirectIfSignedIn, useFinishSignIn } from "../lib/auth";
import { trpc } from "../lib/trpc";
import { useDocumentTitle } from "../lib/use-document-title";

export const Route = createFileRoute("/login")({
  validateSearch: authSearch,
  beforeLoad: redirectIfSignedIn,
  component: LoginPage,
});

function LoginPage() {
  useDocumentTitle("Sign in");
  const search = Route.useSearch();
  const finishSignIn = useFinishSignIn(search);
  // With two-factor on, the password answers {twoFactorRequired} and the code step follows.
  const [step, setStep] = useState<"password" | "code">("password");
  const [notice, setNotice] = useState<string | null>(null);
  const login = trpc.auth.login.useMutation({
    onMutate: () => setNotice(null),
    onSuccess: (result) => ("twoFactorRequired" in result ? setStep("code") : finishSignIn(result)),
  });
  return (
    <AuthLayout
      cookieNotice
      title="Sign in to your account"
      subtitle="Welcome back. Pick up where you left off."
      footer={
        <>
          New here?{" "}
          <Link
            to="/signup"
            search={search}
            className="rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline"
          >
            Create an account
          </Link>
        </>
      }
    >
      {step === "code" ? (
        <TwoFactorStep
          onSignedIn={finishSignIn}
          onExpired={(message) => {
            setNotice(message);
            setStep("password");
          }}
          onCancel={() => setStep("password")}
        />
      ) : null}
      {search.deleted && step === "password" ? <DeletionScheduledNotice at={search.deleted} /> : null}
      {notice && step === "password" ? (
        <Alert variant="warning" className="mb-5">
          {notice}
        </Alert>
      ) : null}
      <AuthForm
        hidden={step !== "password"}
        fields={[
          { name: "email", label: "Email", type: "email", autoComplete: "email" },
          { name: "password", label: "Password", type: "password", autoComplete: "current-password" },
        ]}
        schema={loginInput}
        mutation={login}
        toInput={({ email, password }) => ({ email: email.trim(), password })}
        submitLabel="Sign in"
        pendingLabel="Signing in…"
      />
      <p className="mt-4 text-center text-sm">
        <Link
          to="/forgot-password"
          className="rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline"
        >
          Forgot password?
        </Link>
      </p>
    </AuthLayout>
  );
}
