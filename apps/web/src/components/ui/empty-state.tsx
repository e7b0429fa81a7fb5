import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "../../lib/utils";

export interface EmptyStateProps {
  icon: LucideIcon;
  title: string;
  description: ReactNode;
  action?: ReactNode;
  className?: string;
}

export function EmptyState({ icon: Icon, title, description, action, className }: EmptyStateProps) {
  return (
    <div
      className={cn(
        "flex flex-col items-center justify-center rounded-xl border border-dashed border-zinc-300 bg-white px-6 py-16 text-center",
        className,
      )}
    >
      <div className="relative mb-5">
        <div className="absolute inset-0 scale-150 rounded-full bg-indigo-100/60 blur-xl" aria-hidden="true" />
        <div className="relative flex size-14 items-center justify-center rounded-2xl bg-gradient-to-b from-indigo-50 to-indigo-100 ring-1 ring-indigo-200/70">
          <Icon className="size-7 text-indigo-600" aria-hidden="true" strokeWidth={1.75} />
        </div>
      </div>
      <h2 className="text-base font-semibold text-zinc-900">{title}</h2>
      <p className="mt-1.5 max-w-sm text-sm text-zinc-500">{description}</p>
      {action ? <div className="mt-6">{action}</div> : null}
    </div>
  );
}
