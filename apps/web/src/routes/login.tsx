import { loginInput } from "@crm/shared";
import { createFileRoute, Link } from "@tanstack/react-router";
import { AuthForm } from "../components/auth-form";
import { AuthLayout } from "../components/auth-layout";
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
  const login = trpc.auth.login.useMutation({ onSuccess: useFinishSignIn(search) });
  return (
    <AuthLayout
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
      <AuthForm
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
