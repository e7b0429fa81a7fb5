import { ChevronDown } from "lucide-react";
import type { ComponentProps } from "react";
import { cn } from "../../lib/utils";
import { controlClasses } from "./input";

export interface SelectProps extends ComponentProps<"select"> {
  invalid?: boolean;
}

/**
 * A styled native <select>: long option lists (countries) stay fast, type-to-find and the phone's own
 * picker work for free.
 */
export function Select({ className, invalid, children, ...props }: SelectProps) {
  return (
    <div className={cn("relative", className)}>
      <select
        aria-invalid={invalid || undefined}
        className={cn(controlClasses, "h-10 cursor-pointer appearance-none pr-9")}
        {...props}
      >
        {children}
      </select>
      <ChevronDown
        className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-zinc-500"
        aria-hidden="true"
      />
    </div>
  );
}
