import { PASSWORD_MIN_LENGTH, resetPasswordInput } from "@crm/shared";
import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { AuthForm } from "../components/auth-form";
import { AuthLayout } from "../components/auth-layout";
import { TwoFactorStep } from "../components/two-factor-step";
import { Alert } from "../components/ui/alert";
import { useToast } from "../components/ui/toast";
import { type RouterOutputs, trpc } from "../lib/trpc";
import { useDocumentTitle } from "../lib/use-document-title";

interface ResetSearch {
  token?: string;
}

export const Route = createFileRoute("/reset-password")({
  validateSearch: (search: Record<string, unknown>): ResetSearch =>
    typeof search.token === "string" && search.token ? { token: search.token } : {},
  component: ResetPasswordPage,
});

const linkClass = "rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline";
// The token comes from the address, not the form: the form checks the password alone.
const newPasswordForm = resetPasswordInput.pick({ password: true });

function ResetPasswordPage() {
  useDocumentTitle("Choose a new password");
  const { token } = Route.useSearch();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const { toast } = useToast();
  // With two-factor on, the new password is set but signing in still takes the code.
  const [step, setStep] = useState<"password" | "code">("password");
  const finish = async (user: RouterOutputs["auth"]["verifyTwoFactor"]) => {
    // Every cached answer belonged to whoever was signed in before (maybe no one, maybe someone else).
    await utils.invalidate();
    utils.auth.me.setData(undefined, user);
    toast({ title: "Password changed", description: "You're signed in. Every other session was signed out." });
    await navigate({ to: "/", replace: true });
  };
  const reset = trpc.auth.resetPassword.useMutation({
    onSuccess: (result) => ("twoFactorRequired" in result ? setStep("code") : finish(result)),
  });
  return (
    <AuthLayout
      title="Choose a new password"
      subtitle="Signing in afterwards signs out every other device."
      footer={
        <>
          Link not working?{" "}
          <Link to="/forgot-password" className={linkClass}>
            Ask for a new one
          </Link>
        </>
      }
    >
      {step === "code" ? (
        <>
          <Alert variant="success" title="Password changed">
            Enter the code from your authenticator app to sign in.
          </Alert>
          <TwoFactorStep
            onSignedIn={finish}
            onExpired={(message) => {
              // The new password stands: signing in again from the start takes it and a fresh code.
              toast({ title: "Sign in again", description: message });
              void navigate({ to: "/login", replace: true });
            }}
            onCancel={() => void navigate({ to: "/login", replace: true })}
          />
        </>
      ) : token ? (
        <AuthForm
          fields={[
            {
              name: "password",
              label: "New password",
              type: "password",
              autoComplete: "new-password",
              hint: `At least ${PASSWORD_MIN_LENGTH} characters.`,
              minLength: PASSWORD_MIN_LENGTH,
            },
          ]}
          schema={newPasswordForm}
          mutation={reset}
          toInput={({ password }) => ({ token, password })}
          submitLabel="Set password and sign in"
          pendingLabel="Saving…"
        />
      ) : (
        <Alert variant="error" title="This link is incomplete">
          Open the whole link from the email, or ask for a new one.
        </Alert>
      )}
    </AuthLayout>
  );
}
