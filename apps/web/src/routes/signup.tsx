import { isValidTimeZone, PASSWORD_MIN_LENGTH, signupInput } from "@crm/shared";
import { createFileRoute, Link } from "@tanstack/react-router";
import { AuthForm } from "../components/auth-form";
import { AuthLayout } from "../components/auth-layout";
import { authSearch, redirectIfSignedIn, useFinishSignIn } from "../lib/auth";
import { trpc } from "../lib/trpc";
import { useDocumentTitle } from "../lib/use-document-title";
import { browserTimeZone } from "../lib/utils";

export const Route = createFileRoute("/signup")({
  validateSearch: authSearch,
  beforeLoad: redirectIfSignedIn,
  component: SignupPage,
});

function SignupPage() {
  useDocumentTitle("Create your account");
  const search = Route.useSearch();
  const signup = trpc.auth.signup.useMutation({ onSuccess: useFinishSignIn(search) });
  return (
    <AuthLayout
      cookieNotice
      title="Create your account"
      subtitle="Keep your clients, bookings and pipeline in one calm place."
      footer={
        <>
          Already have an account?{" "}
          <Link
            to="/login"
            search={search}
            className="rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline"
          >
            Sign in
          </Link>
        </>
      }
    >
      <AuthForm
        fields={[
          { name: "name", label: "Your name", type: "text", autoComplete: "name" },
          { name: "email", label: "Email", type: "email", autoComplete: "email" },
          {
            name: "password",
            label: "Password",
            type: "password",
            autoComplete: "new-password",
            hint: `At least ${PASSWORD_MIN_LENGTH} characters.`,
            minLength: PASSWORD_MIN_LENGTH,
          },
        ]}
        schema={signupInput}
        mutation={signup}
        toInput={({ name, email, password }) => {
          const zone = browserTimeZone();
          return {
            name: name.trim(),
            email: email.trim(),
            password,
            ...(zone && isValidTimeZone(zone) ? { timeZone: zone } : {}),
          };
        }}
        submitLabel="Create account"
        pendingLabel="Creating account…"
      />
    </AuthLayout>
  );
}
