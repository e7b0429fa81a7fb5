import { PASSWORD_MIN_LENGTH, resetPasswordInput } from "@crm/shared";
import { createFileRoute, Link, useNavigate } from "@tanstack/react-router";
import { AuthForm } from "../components/auth-form";
import { AuthLayout } from "../components/auth-layout";
import { Alert } from "../components/ui/alert";
import { useToast } from "../components/ui/toast";
import { trpc } from "../lib/trpc";
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
  const reset = trpc.auth.resetPassword.useMutation({
    onSuccess: async (user) => {
      // Every cached answer belonged to whoever was signed in before (maybe no one, maybe someone else).
      await utils.invalidate();
      utils.auth.me.setData(undefined, user);
      toast({ title: "Password changed", description: "You're signed in. Every other session was signed out." });
      await navigate({ to: "/", replace: true });
    },
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
      {token ? (
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
