import { Link, useRouterState } from "@tanstack/react-router";
import { MailWarning } from "lucide-react";
import { trpc } from "../../lib/trpc";

/**
 * Above every page while more than 5% of the emails sent in the last 24 hours bounced: a high bounce
 * rate gets a sender blocked, so it must not wait until someone opens Sent emails (which says the same).
 */
export function BounceBanner() {
  const onEmails = useRouterState({ select: (s) => s.location.pathname.startsWith("/emails") });
  const health = trpc.emails.deliveryHealth.useQuery(undefined, { staleTime: 5 * 60_000, refetchInterval: 5 * 60_000 });
  const data = health.data;
  if (!data?.warning || onEmails) return null;
  return (
    <div
      role="alert"
      className="mb-6 flex items-start gap-3 rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900"
    >
      <MailWarning className="mt-0.5 size-5 shrink-0 text-red-500" aria-hidden="true" />
      <p className="min-w-0 flex-1">
        <span className="font-medium">Many emails are bouncing:</span> {data.bounced} of {data.sent} sent in the last 24
        hours ({Math.round(data.rate * 100)}%). Check your clients' addresses.{" "}
        <Link to="/emails" className="font-medium underline underline-offset-2 hover:text-red-700">
          See sent emails
        </Link>
      </p>
    </div>
  );
}
