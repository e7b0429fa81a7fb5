import type { ComponentProps } from "react";
import { cn } from "../../lib/utils";

export const controlClasses = cn(
  "block w-full rounded-lg border border-zinc-300 bg-white px-3 text-sm text-zinc-900 shadow-xs",
  "placeholder:text-zinc-400 transition-colors",
  "focus:border-indigo-500 focus:outline-none focus:ring-3 focus:ring-indigo-500/20",
  "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500",
  "aria-invalid:border-red-500 aria-invalid:focus:border-red-500 aria-invalid:focus:ring-red-500/20",
);

export interface InputProps extends ComponentProps<"input"> {
  invalid?: boolean;
}

export function Input({ className, invalid, type = "text", ...props }: InputProps) {
  return (
    <input
      type={type}
      aria-invalid={invalid || undefined}
      className={cn(controlClasses, "h-10", className)}
      {...props}
    />
  );
}
