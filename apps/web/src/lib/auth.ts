import { redirect, useNavigate } from "@tanstack/react-router";
import { useToast } from "../components/ui/toast";
import { userMessage } from "./errors";
import { queryClient, type RouterOutputs, type TrpcUtils, trpc } from "./trpc";
import { safeRedirect } from "./utils";

type AppUser = NonNullable<RouterOutputs["auth"]["me"]>;

/** The signed-in user; only call below the _authed layout, which guarantees there is one. */
export function useCurrentUser() {
  const me = trpc.auth.me.useQuery();
  return me.data ?? null;
}

let signingOut = false;
/** True while a sign-out is under way, so the layout does not treat the cleared user as an expired session. */
export function isSigningOut(): boolean {
  return signingOut;
}

/** Signs out on the server, forgets every cached answer (they belonged to that user) and goes to /login. */
export function useSignOut() {
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const logout = trpc.auth.logout.useMutation({
    onMutate: () => {
      signingOut = true;
    },
    onSuccess: async () => {
      queryClient.clear();
      utils.auth.me.setData(undefined, null);
      await navigate({ to: "/login" });
    },
    onError: (error) => toast({ title: "Could not sign out", description: userMessage(error), variant: "error" }),
    onSettled: () => {
      signingOut = false;
    },
  });
  return { signOut: () => logout.mutate(), pending: logout.isPending };
}

export interface AuthSearch {
  redirect?: string;
  /** Set by "Delete account": when the account will be deleted (ISO), for the sign-in page to say. */
  deleted?: string;
}

/** The `?redirect=` the sign-in and sign-up pages carry back to the page that asked for it. */
export function authSearch(search: Record<string, unknown>): AuthSearch {
  return {
    ...(typeof search.redirect === "string" && { redirect: search.redirect }),
    ...(typeof search.deleted === "string" && { deleted: search.deleted }),
  };
}

/** Already signed in: skip the form. If the server cannot be asked, show the form anyway. */
export async function redirectIfSignedIn({ context, search }: { context: { trpc: TrpcUtils }; search: AuthSearch }) {
  const user = await context.trpc.auth.me.ensureData().catch(() => null);
  if (user) throw redirect({ href: safeRedirect(search.redirect), replace: true });
}

/** After signing in or up: remember the user and go where the person was headed. */
export function useFinishSignIn(search: AuthSearch) {
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  return async (user: AppUser) => {
    utils.auth.me.setData(undefined, user);
    await navigate({ href: safeRedirect(search.redirect), replace: true });
  };
}
