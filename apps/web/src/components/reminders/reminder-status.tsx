import { Link } from "@tanstack/react-router";
import { BellOff, BellRing, CircleAlert, Clock, MailCheck, Send } from "lucide-react";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { userMessage } from "../../lib/errors";
import { formatFull, formatWhen, useUserTimeZone } from "../../lib/time";
import { trpc } from "../../lib/trpc";
import { cn } from "../../lib/utils";
import { EmailStatusBadge } from "../emails/email-status";
import { Button } from "../ui/button";
import { Skeleton } from "../ui/skeleton";
import { useToast } from "../ui/toast";

export interface ReminderStatusProps {
  bookingId: string;
  /** Hide the Resend button (e.g. for a cancelled or completed booking). */
  canResend?: boolean;
  className?: string;
}

/**
 * The reminder email of a booking: scheduled, sent, delivered, failed (with the reason), or why there
 * is none; with a Resend button. Self-contained: it loads `bookings.reminder` itself.
 */
export function ReminderStatus({ bookingId, canResend = true, className }: ReminderStatusProps) {
  const zone = useUserTimeZone();
  const utils = trpc.useUtils();
  const { toast } = useToast();
  const [error, setError] = useState<string | null>(null);
  const reminder = trpc.bookings.reminder.useQuery(
    { id: bookingId },
    {
      staleTime: 5_000,
      // While it is going out, follow it until it lands.
      refetchInterval: (query) => {
        const data = query.state.data;
        if (!data) return false;
        if (data.status === "sending") return 2_000;
        if (data.status === "scheduled" && data.scheduledFor && data.scheduledFor.getTime() < Date.now() + 60_000)
          return 2_000;
        return false;
      },
    },
  );
  const resend = trpc.bookings.resendReminder.useMutation({
    onMutate: () => setError(null),
    onSuccess: () => {
      toast({ title: "Reminder on its way", description: "It is sent in the next few seconds." });
    },
    onError: (e) => setError(userMessage(e)),
    onSettled: () => {
      void utils.bookings.reminder.invalidate({ id: bookingId });
      void utils.emails.list.invalidate();
    },
  });

  // When the reminder moves on (sent, delivered, failed), the Sent emails list is out of date too.
  const lastStatus = useRef(reminder.data?.status);
  useEffect(() => {
    const status = reminder.data?.status;
    if (lastStatus.current !== undefined && status !== lastStatus.current) void utils.emails.list.invalidate();
    lastStatus.current = status;
  }, [reminder.data?.status, utils]);

  let icon = BellRing;
  let tone = "text-zinc-500";
  let line: ReactNode = null;
  const data = reminder.data;
  if (data) {
    const at = (d: Date) => (
      <time dateTime={d.toISOString()} title={formatFull(d, zone)} className="font-medium text-zinc-900">
        {formatWhen(d, zone)}
      </time>
    );
    switch (data.status) {
      case "scheduled":
        icon = Clock;
        tone = "text-indigo-500";
        line = data.scheduledFor ? <>Reminder scheduled for {at(data.scheduledFor)}</> : "Reminder scheduled";
        break;
      case "sending":
        icon = Send;
        tone = "text-indigo-500";
        line = data.error ? `Sending the reminder (retrying: ${data.error})` : "Sending the reminder…";
        break;
      case "sent":
        icon = Send;
        tone = "text-emerald-500";
        line = data.sentAt ? <>Reminder sent at {at(data.sentAt)}</> : "Reminder sent";
        break;
      case "delivered":
        icon = MailCheck;
        tone = "text-emerald-500";
        line = data.deliveredAt ? <>Delivered {at(data.deliveredAt)}</> : "Reminder delivered";
        break;
      case "bounced":
      case "complained":
      case "failed":
        icon = CircleAlert;
        tone = "text-red-500";
        line = (
          <span className="text-red-700">
            {data.status === "bounced" ? "Bounced" : data.status === "complained" ? "Marked as spam" : "Failed"}
            {data.error ? `: ${data.error}` : ""}
          </span>
        );
        break;
      case "cancelled":
        icon = BellOff;
        line = data.note ?? "The reminder was cancelled";
        break;
      default:
        icon = BellOff;
        line = data.note ?? "No reminder for this booking";
    }
    // A newer explanation (e.g. the booking now starts within the hour) wins over a cancelled email.
    if (data.note && (data.status === null || data.status === "cancelled")) line = data.note;
  }

  const pending = data?.status === "scheduled" || data?.status === "sending";
  const Icon = icon;

  return (
    <section aria-label="Reminder email" className={cn("space-y-2", className)}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        {reminder.isPending ? (
          <div className="flex flex-1 items-center gap-2">
            <Skeleton className="size-4 rounded-full" />
            <Skeleton className="h-4 w-56" />
          </div>
        ) : reminder.isError ? (
          <p className="flex flex-1 items-center gap-2 text-sm text-red-700">
            <CircleAlert className="size-4 shrink-0 text-red-500" aria-hidden="true" />
            Could not load the reminder: {userMessage(reminder.error)}
          </p>
        ) : (
          <p className="flex min-w-[12rem] flex-1 items-start gap-2 text-sm text-zinc-600" aria-live="polite">
            <Icon className={cn("mt-0.5 size-4 shrink-0", tone)} aria-hidden="true" />
            <span className="min-w-0">{line}</span>
            {data?.status ? <EmailStatusBadge status={data.status} className="ml-1" /> : null}
          </p>
        )}
        {canResend && data?.canResend ? (
          <Button
            variant="secondary"
            size="sm"
            onClick={() => resend.mutate({ id: bookingId })}
            loading={resend.isPending}
            disabled={resend.isPending || reminder.isPending}
            title={pending ? "Send a reminder now, in addition to the scheduled one" : undefined}
          >
            {resend.isPending ? "Sending…" : "Resend reminder"}
          </Button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      ) : null}
      {data?.status ? (
        <p className="text-xs text-zinc-500">
          <Link
            to="/emails"
            search={{ booking: bookingId }}
            className="font-medium text-indigo-600 hover:text-indigo-700 hover:underline"
          >
            See this booking's emails
          </Link>
        </p>
      ) : null}
    </section>
  );
}
