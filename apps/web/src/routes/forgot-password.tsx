import { requestPasswordResetInput } from "@crm/shared";
import { createFileRoute, Link } from "@tanstack/react-router";
import { useState } from "react";
import { AuthForm } from "../components/auth-form";
import { AuthLayout } from "../components/auth-layout";
import { Alert } from "../components/ui/alert";
import { trpc } from "../lib/trpc";
import { useDocumentTitle } from "../lib/use-document-title";

export const Route = createFileRoute("/forgot-password")({ component: ForgotPasswordPage });

const linkClass = "rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline";

function ForgotPasswordPage() {
  useDocumentTitle("Reset your password");
  const [asked, setAsked] = useState<{ email: string; delivery: "email" | "outbox" } | null>(null);
  const request = trpc.auth.requestPasswordReset.useMutation();
  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter the email you sign in with. We'll send you a link to choose a new password."
      footer={
        <>
          Remembered it?{" "}
          <Link to="/login" className={linkClass}>
            Back to sign in
          </Link>
        </>
      }
    >
      {asked ? (
        <ResetRequested {...asked} onAgain={() => setAsked(null)} />
      ) : (
        <AuthForm
          fields={[{ name: "email", label: "Email", type: "email", autoComplete: "email" }]}
          schema={requestPasswordResetInput}
          mutation={{
            isPending: request.isPending,
            mutate: (input: { email: string }, options) =>
              request.mutate(input, {
                ...options,
                onSuccess: ({ delivery }) => setAsked({ email: input.email, delivery }),
              }),
          }}
          toInput={({ email }) => ({ email: email.trim() })}
          submitLabel="Send reset link"
          pendingLabel="Sending…"
        />
      )}
    </AuthLayout>
  );
}

/**
 * The same words whether or not the address has an account (the server answers the same). With no
 * email provider nothing was sent, and the page says so instead of pretending.
 */
function ResetRequested({
  email,
  delivery,
  onAgain,
}: {
  email: string;
  delivery: "email" | "outbox";
  onAgain: () => void;
}) {
  if (delivery === "outbox") {
    return (
      <div className="space-y-4 text-sm text-zinc-700">
        <Alert variant="warning" title="This server cannot send email">
          No email provider is set up, so no message leaves the server. If an account uses {email}, its reset link was
          written to the server's log instead.
        </Alert>
        <p>
          Ask the person who runs this server for the link. They can also create one with{" "}
          <code className="rounded bg-zinc-100 px-1 py-0.5 text-xs">pnpm crm reset-password --user {email}</code>.
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-4 text-sm text-zinc-700">
      <Alert variant="success" title="Check your email">
        If an account uses {email}, a link to reset its password is on its way. It works once, for one hour.
      </Alert>
      <p>
        Nothing after a few minutes? Check your spam folder, or{" "}
        <button type="button" onClick={onAgain} className={linkClass}>
          try another address
        </button>
        .
      </p>
    </div>
  );
}
