import { Link, useRouterState } from "@tanstack/react-router";
import { MailWarning } from "lucide-react";
import { trpc } from "../../lib/trpc";
import { Banner } from "../ui/banner";

/**
 * Above every page while more than 3% of the emails sent in the last 24 hours bounced: a high bounce
 * rate gets a sender blocked, so it must not wait until someone opens Sent emails (which says the same).
 */
export function BounceBanner() {
  const onEmails = useRouterState({ select: (s) => s.location.pathname.startsWith("/emails") });
  const health = trpc.emails.deliveryHealth.useQuery(undefined, { staleTime: 5 * 60_000, refetchInterval: 5 * 60_000 });
  const data = health.data;
  if (!data?.warning || onEmails) return null;
  return (
    <Banner tone="error" icon={MailWarning}>
      <p>
        <span className="font-medium">Many emails are bouncing:</span> {data.bounced} of {data.sent} sent in the last 24
        hours ({Math.round(data.rate * 100)}%). Check your clients' addresses.{" "}
        <Link to="/emails" className="font-medium underline underline-offset-2 hover:text-red-700">
          See sent emails
        </Link>
      </p>
    </Banner>
  );
}
