import { useNavigate } from "@tanstack/react-router";
import { useToast } from "../components/ui/toast";
import { userMessage } from "./errors";
import { queryClient, trpc } from "./trpc";

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
