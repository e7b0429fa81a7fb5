import { type LucideIcon, X } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "../../lib/utils";

const tones = {
  info: {
    box: "border-indigo-200 bg-indigo-50 text-indigo-900",
    icon: "text-indigo-500",
    close: "text-indigo-700 hover:bg-indigo-100",
  },
  warning: {
    box: "border-amber-200 bg-amber-50 text-amber-900",
    icon: "text-amber-500",
    close: "text-amber-700 hover:bg-amber-100",
  },
  error: { box: "border-red-200 bg-red-50 text-red-900", icon: "text-red-500", close: "text-red-700 hover:bg-red-100" },
} as const;

export interface BannerProps {
  tone: keyof typeof tones;
  icon: LucideIcon;
  children: ReactNode;
  /** Shown with a close button when given; the label names what is dismissed. */
  onDismiss?: () => void;
  dismissLabel?: string;
}

/**
 * A notice across the top of a page (the calendar is disconnected, emails are bouncing, the time zone
 * changed). Errors are announced at once (role alert), the rest politely (role status).
 */
export function Banner({ tone, icon: Icon, children, onDismiss, dismissLabel = "Dismiss" }: BannerProps) {
  const colors = tones[tone];
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cn("mb-6 flex items-start gap-3 rounded-xl border px-4 py-3 text-sm", colors.box)}
    >
      <Icon className={cn("mt-0.5 size-5 shrink-0", colors.icon)} aria-hidden="true" />
      <div className="min-w-0 flex-1">{children}</div>
      {onDismiss ? (
        <button
          type="button"
          aria-label={dismissLabel}
          title={dismissLabel}
          onClick={onDismiss}
          className={cn(
            "-mt-1 -mr-2 flex size-8 shrink-0 items-center justify-center rounded-md transition-colors focus-visible:outline-2 focus-visible:outline-indigo-600",
            colors.close,
          )}
        >
          <X className="size-4" aria-hidden="true" />
        </button>
      ) : null}
    </div>
  );
}
