import { createFileRoute, Link } from "@tanstack/react-router";
import { useEffect, useRef } from "react";
import { AuthLayout } from "../components/auth-layout";
import { Alert } from "../components/ui/alert";
import { ButtonLink } from "../components/ui/button-link";
import { Spinner } from "../components/ui/spinner";
import { userMessage } from "../lib/errors";
import { trpc } from "../lib/trpc";
import { useDocumentTitle } from "../lib/use-document-title";

interface VerifySearch {
  token?: string;
}

export const Route = createFileRoute("/verify-email")({
  validateSearch: (search: Record<string, unknown>): VerifySearch =>
    typeof search.token === "string" && search.token ? { token: search.token } : {},
  component: VerifyEmailPage,
});

/** Opened from a verification or email-change email: confirms at once, signed in or not. */
function VerifyEmailPage() {
  useDocumentTitle("Confirm your email");
  const { token } = Route.useSearch();
  const utils = trpc.useUtils();
  const verify = trpc.auth.verifyEmail.useMutation({ onSuccess: () => utils.auth.me.invalidate() });
  const sent = useRef(false);
  useEffect(() => {
    // Once per page load (StrictMode runs effects twice; the link works once).
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate({ token });
  }, [token, verify]);
  const me = trpc.auth.me.useQuery(undefined, { enabled: verify.isSuccess });
  const signedIn = Boolean(me.data);

  return (
    <AuthLayout
      title="Confirm your email"
      subtitle="Proving you own your sign-in address keeps your account recoverable."
      footer={
        <Link to="/" className="rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline">
          Go to the app
        </Link>
      }
    >
      {!token ? (
        <Alert variant="error" title="This link is incomplete">
          Open the whole link from the email.
        </Alert>
      ) : verify.isSuccess ? (
        <div className="space-y-5">
          <Alert variant="success" title={verify.data.kind === "emailChanged" ? "Email changed" : "Email confirmed"}>
            {verify.data.kind === "emailChanged"
              ? `You now sign in with ${verify.data.email}.`
              : `${verify.data.email} is confirmed.`}
          </Alert>
          <ButtonLink to={signedIn ? "/" : "/login"} variant="primary" className="w-full">
            {signedIn ? "Continue" : "Sign in"}
          </ButtonLink>
        </div>
      ) : verify.isError ? (
        <Alert variant="error" title="The email could not be confirmed">
          {userMessage(verify.error)}
        </Alert>
      ) : (
        <div className="flex items-center justify-center gap-3 py-4 text-sm text-zinc-600" role="status">
          <Spinner label="" />
          Confirming…
        </div>
      )}
    </AuthLayout>
  );
}
