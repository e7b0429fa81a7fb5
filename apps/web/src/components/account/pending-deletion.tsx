import { useRouter } from "@tanstack/react-router";
import { useState } from "react";
import { useSignOut } from "../../lib/auth";
import { userMessage } from "../../lib/errors";
import { formatLongDate, useUserTimeZone } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { browserTimeZone } from "../../lib/utils";
import { AuthLayout } from "../auth-layout";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { useToast } from "../ui/toast";

/**
 * What a signed-in account waiting for its hard delete sees instead of the app (the server refuses
 * everything else until the deletion is cancelled): the date, "Cancel deletion" and "Sign out".
 */
export function PendingDeletionPage({ scheduledFor }: { scheduledFor: Date }) {
  const zone = useUserTimeZone();
  const router = useRouter();
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const { signOut, pending: signingOut } = useSignOut();
  const [error, setError] = useState<string | null>(null);
  const cancel = trpc.privacy.cancelDeletion.useMutation({
    onMutate: () => setError(null),
    onSuccess: async () => {
      // Pages refused while the deletion was pending load again.
      await utils.invalidate();
      await router.invalidate();
      toast({
        title: "Your account will not be deleted",
        description: "Google Calendar stays disconnected: connect it again in Settings if you use it.",
      });
    },
    onError: (failure) => setError(userMessage(failure)),
  });
  const date = formatLongDate(scheduledFor, zone);
  return (
    <AuthLayout
      title="Your account is scheduled for deletion"
      subtitle={
        <>
          on <strong className="font-medium text-zinc-900">{date}</strong>
        </>
      }
      footer={
        <Button variant="ghost" size="sm" onClick={signOut} loading={signingOut}>
          Sign out
        </Button>
      }
    >
      <div className="space-y-4 text-sm text-zinc-700">
        <p>
          On that day every client, note, booking and email in this account is deleted for good. Until then nothing is
          sent to your clients and nothing is synced.
        </p>
        <p>Cancel the deletion to use your account again. Google Calendar stays disconnected until you reconnect it.</p>
        {error ? <Alert variant="error">{error}</Alert> : null}
        <Button className="w-full" onClick={() => cancel.mutate()} loading={cancel.isPending}>
          Cancel deletion
        </Button>
      </div>
    </AuthLayout>
  );
}

/** On the sign-in page right after "Delete account": the date, and how to change one's mind. */
export function DeletionScheduledNotice({ at }: { at: string }) {
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) return null;
  const zone = browserTimeZone() ?? "UTC";
  return (
    <Alert variant="info" className="mb-5" title="Your account is scheduled for deletion">
      It will be deleted on {formatLongDate(when, zone)}. You have been signed out everywhere. Changed your mind? Sign
      in before then and cancel.
    </Alert>
  );
}
