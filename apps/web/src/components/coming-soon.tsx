import type { LucideIcon } from "lucide-react";
import { Sparkles } from "lucide-react";
import { PageHeader } from "./page-header";
import { EmptyState } from "./ui/empty-state";

/** A designed placeholder for a section that later issues fill in. */
export function ComingSoon({
  title,
  description,
  icon,
  emptyTitle,
  emptyDescription,
}: {
  title: string;
  description: string;
  icon: LucideIcon;
  emptyTitle: string;
  emptyDescription: string;
}) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <EmptyState
        icon={icon}
        title={emptyTitle}
        description={emptyDescription}
        action={
          <span className="inline-flex items-center gap-1.5 rounded-full bg-zinc-100 px-3 py-1 text-xs font-medium text-zinc-600 ring-1 ring-zinc-200 ring-inset">
            <Sparkles className="size-3.5 text-indigo-500" aria-hidden="true" />
            Coming soon
          </span>
        }
      />
    </>
  );
}
