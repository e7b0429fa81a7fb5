import { LogOut, Monitor, Smartphone } from "lucide-react";
import { useState } from "react";
import { QueryState } from "../../../../components/query-state";
import { Badge } from "../../../../components/ui/badge";
import { Button } from "../../../../components/ui/button";
import { ConfirmDialog } from "../../../../components/ui/confirm-dialog";
import { RelativeTime } from "../../../../components/ui/relative-time";
import { Skeleton } from "../../../../components/ui/skeleton";
import { useToast } from "../../../../components/ui/toast";
import { useSignOut } from "../../../../lib/auth";
import { userMessage } from "../../../../lib/errors";
import { formatDateTime } from "../../../../lib/format";
import { useUserTimeZone } from "../../../../lib/time";
import { type RouterOutputs, trpc } from "../../../../lib/trpc";

type SessionRow = RouterOutputs["auth"]["sessions"][number];

const isPhone = (device: string) => /iPhone|Android|iPad/.test(device);

/** The browsers and devices signed in to this account, each of which can be signed out from here. */
export function SignedInSessions() {
  const sessions = trpc.auth.sessions.useQuery();
  const [confirming, setConfirming] = useState<SessionRow | "others" | null>(null);
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const { signOut, pending: signingOut } = useSignOut();
  const done = (title: string) => {
    setConfirming(null);
    toast({ title });
    void utils.auth.sessions.invalidate();
  };
  const revoke = trpc.auth.revokeSession.useMutation({ onSuccess: () => done("Session signed out") });
  const revokeOthers = trpc.auth.revokeOtherSessions.useMutation({
    onSuccess: ({ ended }) => done(ended === 1 ? "1 other session signed out" : `${ended} other sessions signed out`),
  });

  const open = (target: typeof confirming) => {
    revoke.reset();
    revokeOthers.reset();
    setConfirming(target);
  };
  const pending = revoke.isPending || revokeOthers.isPending || signingOut;
  const error = revoke.error ?? revokeOthers.error;

  return (
    <section aria-labelledby="sessions-heading" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h3 id="sessions-heading" className="text-sm font-semibold text-zinc-900">
            Signed-in sessions
          </h3>
          <p className="text-sm text-zinc-600">Sign out any browser or device you don't recognise.</p>
        </div>
        {sessions.data?.some((s) => !s.current) ? (
          <Button variant="secondary" size="sm" onClick={() => open("others")}>
            Sign out all other sessions
          </Button>
        ) : null}
      </div>
      <QueryState
        query={sessions}
        pending={<Skeleton className="h-16 w-full" />}
        errorTitle="Could not load your sessions"
      >
        {(rows) => (
          <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200">
            {rows.map((row) => (
              <SessionItem key={row.id} row={row} onSignOut={() => open(row)} />
            ))}
          </ul>
        )}
      </QueryState>
      <ConfirmDialog
        open={confirming !== null}
        onOpenChange={(isOpen) => (isOpen ? null : setConfirming(null))}
        title={
          confirming === "others"
            ? "Sign out all other sessions?"
            : confirming?.current
              ? "Sign out of this device?"
              : "Sign out this session?"
        }
        description={
          confirming === "others"
            ? "Every other browser and device signed in to your account is signed out. This one stays signed in."
            : confirming?.current
              ? "You will need your password to sign in again here."
              : `${confirming?.device ?? "That device"} is signed out at its next request and needs your password to sign in again.`
        }
        confirmLabel={confirming === "others" ? "Sign out others" : "Sign out"}
        pending={pending}
        error={error ? userMessage(error) : null}
        onConfirm={() => {
          if (confirming === "others") revokeOthers.mutate();
          // This device: the ordinary sign-out (clears what the app remembers and goes to sign-in).
          else if (confirming?.current) signOut();
          else if (confirming) revoke.mutate({ id: confirming.id });
        }}
      />
    </section>
  );
}

function SessionItem({ row, onSignOut }: { row: SessionRow; onSignOut: () => void }) {
  const zone = useUserTimeZone();
  const Icon = isPhone(row.device) ? Smartphone : Monitor;
  return (
    <li className="flex flex-wrap items-center gap-3 px-4 py-3 sm:flex-nowrap" data-testid="session-row">
      <Icon className="size-5 shrink-0 text-zinc-400" aria-hidden="true" />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-zinc-900">
          {row.device}
          {row.current ? <Badge tone="green">This device</Badge> : null}
        </p>
        <p className="text-xs text-zinc-600">
          {row.ip ?? "IP unknown"} · Signed in {formatDateTime(row.createdAt, zone)} · Last active{" "}
          <RelativeTime at={row.lastUsedAt} zone={zone} />
        </p>
      </div>
      <Button
        variant="ghost"
        size="sm"
        onClick={onSignOut}
        aria-label={`Sign out ${row.device}${row.current ? " (this device)" : ""}`}
      >
        <LogOut className="size-4" aria-hidden="true" />
        Sign out
      </Button>
    </li>
  );
}
