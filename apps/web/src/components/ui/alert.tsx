import { CircleAlert, CircleCheck, Info, TriangleAlert } from "lucide-react";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "../../lib/utils";

const variants = {
  error: { box: "border-red-200 bg-red-50 text-red-800", icon: CircleAlert, iconClass: "text-red-500" },
  success: {
    box: "border-emerald-200 bg-emerald-50 text-emerald-800",
    icon: CircleCheck,
    iconClass: "text-emerald-500",
  },
  warning: {
    box: "border-amber-200 bg-amber-50 text-amber-900",
    icon: TriangleAlert,
    iconClass: "text-amber-500",
  },
  info: { box: "border-indigo-200 bg-indigo-50 text-indigo-900", icon: Info, iconClass: "text-indigo-500" },
} as const;

export interface AlertProps extends Omit<ComponentProps<"div">, "title"> {
  variant?: keyof typeof variants;
  title?: ReactNode;
  action?: ReactNode;
}

export function Alert({ variant = "error", title, action, className, children, ...props }: AlertProps) {
  const { box, icon: Icon, iconClass } = variants[variant];
  return (
    <div
      role={variant === "error" ? "alert" : "status"}
      className={cn("flex gap-3 rounded-lg border px-4 py-3 text-sm", box, className)}
      {...props}
    >
      <Icon className={cn("mt-0.5 size-4 shrink-0", iconClass)} aria-hidden="true" />
      <div className="min-w-0 flex-1 space-y-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div>{children}</div> : null}
      </div>
      {action ? <div className="shrink-0 self-center">{action}</div> : null}
    </div>
  );
}
