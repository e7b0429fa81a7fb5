import { type ReactNode, useId } from "react";
import { cn } from "../../lib/utils";
import { Label } from "./label";

export interface FieldControlProps {
  id: string;
  "aria-describedby"?: string;
  invalid: boolean;
}

export interface FieldProps {
  label: ReactNode;
  /** Shown under the control in red and announced with it (may hold a link, e.g. to a duplicate). */
  error?: ReactNode;
  hint?: ReactNode;
  /** Extra content on the label row (e.g. a "Forgot?" link). */
  labelAside?: ReactNode;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}

/** A label, a control, an optional hint and an error message, wired together for assistive tech. */
export function Field({ label, error, hint, labelAside, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = error ? errorId : hint ? hintId : undefined;
  return (
    <div className={cn("space-y-1.5", className)}>
      <div className="flex items-center justify-between gap-2">
        <Label htmlFor={id}>{label}</Label>
        {labelAside}
      </div>
      {children({ id, "aria-describedby": describedBy, invalid: Boolean(error) })}
      {error ? (
        <div id={errorId} className="text-sm text-red-600">
          {error}
        </div>
      ) : hint ? (
        <p id={hintId} className="text-sm text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
