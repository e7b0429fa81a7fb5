import { createFileRoute, Outlet, redirect, useRouter } from "@tanstack/react-router";
import { useEffect } from "react";
import { PendingDeletionPage } from "../components/account/pending-deletion";
import { VerifyEmailBanner } from "../components/account/verify-email-banner";
import { AppShell } from "../components/app-shell";
import { PageSpinner } from "../components/ui/spinner";
import { isSigningOut } from "../lib/auth";
import { trpc } from "../lib/trpc";

/** Everything below this layout needs a signed-in user; signed-out visitors go to /login and come back. */
export const Route = createFileRoute("/_authed")({
  beforeLoad: async ({ context, location }) => {
    const user = await context.trpc.auth.me.ensureData();
    if (!user) {
      throw redirect({ to: "/login", search: { redirect: location.href } });
    }
    return { user };
  },
  pendingComponent: () => (
    <div className="flex min-h-dvh items-center justify-center">
      <PageSpinner label="Loading your workspace" />
    </div>
  ),
  component: AuthedLayout,
});

function AuthedLayout() {
  const me = trpc.auth.me.useQuery();
  const router = useRouter();
  // The session can end while the app is open (expiry, sign-out in another tab): once auth.me says so,
  // go to sign-in and come back here afterwards.
  useEffect(() => {
    if (me.data !== null || isSigningOut()) return;
    const { pathname, href } = router.state.location;
    if (pathname === "/login" || pathname === "/signup") return;
    void router.navigate({ to: "/login", search: { redirect: href }, replace: true });
  }, [me.data, router]);
  if (me.data?.deletionScheduledFor) return <PendingDeletionPage scheduledFor={me.data.deletionScheduledFor} />;
  return (
    <AppShell>
      <VerifyEmailBanner />
      <Outlet />
    </AppShell>
  );
}
