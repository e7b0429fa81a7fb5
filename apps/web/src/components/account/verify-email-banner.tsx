import { MailCheck } from "lucide-react";
import { useState } from "react";
import { userMessage } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { Banner } from "../ui/banner";

/**
 * Until the sign-up address is confirmed, a notice with "Resend link". Only when email can be
 * delivered: with no provider (the outbox) nothing would reach the inbox, so offering a link the
 * person can never receive would be dishonest, and nothing in the app waits on verification; the
 * banner stays hidden and the operator can confirm nothing is lost (docs/accounts.md).
 */
export function VerifyEmailBanner() {
  const me = trpc.auth.me.useQuery();
  const delivery = trpc.auth.emailDelivery.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const utils = trpc.useUtils();
  const resend = trpc.auth.resendVerification.useMutation({
    onSuccess: ({ alreadyVerified, sentRecently }) => {
      if (alreadyVerified) void utils.auth.me.invalidate();
      else if (sentRecently) {
        setOutcome({ ok: true, text: "We sent one less than a minute ago: check your inbox and spam folder." });
      } else setOutcome({ ok: true, text: "A new link is on its way." });
    },
    onError: (error) => setOutcome({ ok: false, text: userMessage(error) }),
  });
  const user = me.data;
  if (!user || user.emailVerified || delivery.data?.delivery !== "email") return null;
  return (
    <Banner tone="info" icon={MailCheck}>
      <p>
        <span className="font-medium">Confirm your email address:</span> open the link we sent you.{" "}
        {outcome?.ok ? (
          <span>{outcome.text}</span>
        ) : (
          <button
            type="button"
            onClick={() => resend.mutate()}
            disabled={resend.isPending}
            className="font-medium underline underline-offset-2 hover:text-indigo-700 disabled:opacity-60"
          >
            {resend.isPending ? "Sending…" : "Resend link"}
          </button>
        )}
      </p>
      {outcome && !outcome.ok ? <p className="mt-1 text-red-700">{outcome.text}</p> : null}
    </Banner>
  );
}
