import type { ReactNode } from "react";
import { cn } from "../../lib/utils";

/** A column header of the app's tables: left-aligned, medium weight, the usual padding unless overridden. */
export function Th({ className, children }: { className?: string; children?: ReactNode }) {
  return (
    <th scope="col" className={cn("px-4 py-2.5 text-left font-medium", className)}>
      {children}
    </th>
  );
}
