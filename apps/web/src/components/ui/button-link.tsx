import { Link, type LinkComponentProps } from "@tanstack/react-router";
import type { LucideIcon } from "lucide-react";
import { Button, type ButtonProps } from "./button";

export type ButtonLinkProps = LinkComponentProps & {
  icon?: LucideIcon;
  variant?: ButtonProps["variant"];
  size?: ButtonProps["size"];
};

/** A link that looks like a button (page actions such as "Trash" or "Calendar"). */
export function ButtonLink({ icon: Icon, variant = "secondary", size, children, ...link }: ButtonLinkProps) {
  return (
    <Button variant={variant} size={size} asChild>
      <Link {...link}>
        {(state) => (
          <>
            {Icon ? <Icon className="size-4" aria-hidden="true" /> : null}
            {typeof children === "function" ? children(state) : children}
          </>
        )}
      </Link>
    </Button>
  );
}
