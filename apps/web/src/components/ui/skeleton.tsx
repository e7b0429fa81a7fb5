import type { ComponentProps } from "react";
import { cn } from "../../lib/utils";

export function Skeleton({ className, ...props }: ComponentProps<"div">) {
  return <div aria-hidden="true" className={cn("animate-pulse rounded-md bg-zinc-200/70", className)} {...props} />;
}

/** A stack of text placeholders, one per class list (height and width), e.g. a name over an email. */
export function SkeletonLines({ lines, className }: { lines: readonly string[]; className?: string }) {
  return (
    <div aria-hidden="true" className={cn("flex-1 space-y-1.5", className)}>
      {lines.map((line) => (
        <Skeleton key={line} className={line} />
      ))}
    </div>
  );
}
