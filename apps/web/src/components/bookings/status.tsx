import { BOOKING_STATUS_LABELS, type BookingStatus } from "@crm/shared";
import { cn } from "../../lib/utils";

/** Status is shown as colour and as text, never colour alone. */
const badgeClasses: Record<BookingStatus, string> = {
  proposed: "bg-white text-amber-800 ring-amber-400",
  confirmed: "bg-indigo-600 text-white ring-indigo-600",
  completed: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  cancelled: "bg-zinc-100 text-zinc-500 ring-zinc-200 line-through",
};

const dotClasses: Record<BookingStatus, string> = {
  proposed: "border-2 border-amber-500 bg-white",
  confirmed: "bg-indigo-600",
  completed: "bg-emerald-500",
  cancelled: "bg-zinc-300",
};

export function StatusBadge({ status, className }: { status: BookingStatus; className?: string }) {
  return (
    <span
      className={cn(
        "inline-flex shrink-0 items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        badgeClasses[status],
        className,
      )}
    >
      {BOOKING_STATUS_LABELS[status]}
    </span>
  );
}

export function StatusDot({ status, className }: { status: BookingStatus; className?: string }) {
  return (
    <span aria-hidden="true" className={cn("inline-block size-2.5 rounded-full", dotClasses[status], className)} />
  );
}

/** The verb on the button that moves a booking to a status. */
export const TRANSITION_LABELS: Record<BookingStatus, string> = {
  proposed: "Mark proposed",
  confirmed: "Confirm",
  completed: "Mark completed",
  cancelled: "Cancel booking",
};
