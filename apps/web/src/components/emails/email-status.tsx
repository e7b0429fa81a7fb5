import { cn } from "../../lib/utils";

export type EmailStatus =
  | "scheduled"
  | "sending"
  | "sent"
  | "delivered"
  | "bounced"
  | "complained"
  | "failed"
  | "cancelled";

export const EMAIL_STATUS_LABELS: Record<EmailStatus, string> = {
  scheduled: "Scheduled",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  bounced: "Bounced",
  complained: "Marked as spam",
  failed: "Failed",
  cancelled: "Cancelled",
};

const badgeClasses: Record<EmailStatus, string> = {
  scheduled: "bg-white text-indigo-700 ring-indigo-300",
  sending: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  sent: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  delivered: "bg-emerald-600 text-white ring-emerald-600",
  bounced: "bg-red-50 text-red-700 ring-red-200",
  complained: "bg-red-50 text-red-700 ring-red-200",
  failed: "bg-red-600 text-white ring-red-600",
  cancelled: "bg-zinc-100 text-zinc-500 ring-zinc-200",
};

const dotClasses: Record<EmailStatus, string> = {
  scheduled: "border-[1.5px] border-indigo-500 bg-white",
  sending: "bg-indigo-500 animate-pulse",
  sent: "bg-emerald-500",
  delivered: "bg-white",
  bounced: "bg-red-500",
  complained: "bg-red-500",
  failed: "bg-white",
  cancelled: "bg-zinc-400",
};

export function isEmailStatus(value: unknown): value is EmailStatus {
  return typeof value === "string" && value in EMAIL_STATUS_LABELS;
}

/** An email's status as colour and as text (never colour alone). */
export function EmailStatusBadge({ status, className }: { status: string; className?: string }) {
  const known = isEmailStatus(status) ? status : null;
  return (
    <span
      data-status={status}
      className={cn(
        "inline-flex shrink-0 items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        known ? badgeClasses[known] : "bg-zinc-100 text-zinc-700 ring-zinc-200",
        className,
      )}
    >
      <span className={cn("size-1.5 rounded-full", known ? dotClasses[known] : "bg-zinc-400")} aria-hidden="true" />
      {known ? EMAIL_STATUS_LABELS[known] : status}
    </span>
  );
}

export const EMAIL_KIND_LABELS: Record<string, string> = {
  reminder: "Booking reminder",
};

export function kindLabel(kind: string): string {
  return EMAIL_KIND_LABELS[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1).replaceAll("_", " ");
}
