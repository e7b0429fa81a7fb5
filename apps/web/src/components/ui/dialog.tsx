import * as DialogPrimitive from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "../../lib/utils";

export const Dialog = DialogPrimitive.Root;
export const DialogTrigger = DialogPrimitive.Trigger;
export const DialogClose = DialogPrimitive.Close;

export interface DialogContentProps {
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons along the bottom edge. A form inside the body reaches them with `form="<its id>"`. */
  footer?: ReactNode;
  className?: string;
  /** Wide forms (e.g. a new client) take more room on large screens. */
  size?: "sm" | "md" | "lg";
  /** Called instead of focusing the first control when the dialog opens. */
  onOpenAutoFocus?: (event: Event) => void;
}

const sizes = { sm: "sm:max-w-md", md: "sm:max-w-lg", lg: "sm:max-w-2xl" } as const;

const closeButtonClasses =
  "flex size-9 shrink-0 items-center justify-center rounded-lg text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-600";

function Overlay() {
  return (
    <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-zinc-950/40 backdrop-blur-[2px] data-[state=open]:animate-[fade-in_150ms_ease-out]" />
  );
}

/** Escape in an open search list (a combobox inside the dialog) closes the list, not the whole dialog. */
function keepOpenWhileAListIsOpen(event: KeyboardEvent) {
  const target = event.target as HTMLElement | null;
  if (target?.getAttribute?.("aria-expanded") === "true") event.preventDefault();
}

/**
 * A centred modal on wide screens, a sheet from the bottom on phones; focus is trapped, Escape and the
 * close button dismiss it.
 */
export function DialogContent({
  title,
  description,
  children,
  footer,
  className,
  size = "md",
  onOpenAutoFocus,
}: DialogContentProps) {
  return (
    <DialogPrimitive.Portal>
      <Overlay />
      <DialogPrimitive.Content
        {...(description ? {} : { "aria-describedby": undefined })}
        onOpenAutoFocus={onOpenAutoFocus}
        onEscapeKeyDown={keepOpenWhileAListIsOpen}
        className={cn(
          "fixed inset-x-0 bottom-0 z-50 flex max-h-[92dvh] flex-col rounded-t-2xl bg-white shadow-xl ring-1 ring-black/5 focus:outline-none",
          "sm:inset-x-auto sm:top-[8vh] sm:bottom-auto sm:left-1/2 sm:max-h-[84dvh] sm:w-full sm:-translate-x-1/2 sm:rounded-2xl",
          "data-[state=open]:animate-[dialog-in_160ms_ease-out]",
          sizes[size],
          className,
        )}
      >
        <div className="flex items-start justify-between gap-4 border-b border-zinc-100 px-6 pt-5 pb-4">
          <div className="min-w-0 space-y-1">
            <DialogPrimitive.Title className="text-base font-semibold text-zinc-900">{title}</DialogPrimitive.Title>
            {description ? (
              <DialogPrimitive.Description className="text-sm text-zinc-500">{description}</DialogPrimitive.Description>
            ) : null}
          </div>
          <DialogPrimitive.Close className={cn("-mt-1 -mr-2", closeButtonClasses)} aria-label="Close">
            <X className="size-5" aria-hidden="true" />
          </DialogPrimitive.Close>
        </div>
        {children ? <div className="min-h-0 flex-1 overflow-y-auto px-6 py-5">{children}</div> : null}
        {footer ? (
          <div className="flex flex-col-reverse gap-2 rounded-b-2xl border-t border-zinc-100 bg-zinc-50/60 px-6 py-3 sm:flex-row sm:justify-end">
            {footer}
          </div>
        ) : null}
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
}

/** A panel sliding in from the left edge (the phone navigation); its title is for screen readers. */
export function SheetContent({ title, children }: { title: string; children: ReactNode }) {
  return (
    <DialogPrimitive.Portal>
      <Overlay />
      <DialogPrimitive.Content
        aria-describedby={undefined}
        className="fixed inset-y-0 left-0 z-50 w-72 max-w-[85vw] bg-white shadow-xl focus:outline-none data-[state=open]:animate-[sheet-in_200ms_ease-out]"
      >
        <DialogPrimitive.Title className="sr-only">{title}</DialogPrimitive.Title>
        <DialogPrimitive.Close className={cn("absolute top-5 right-3", closeButtonClasses)} aria-label="Close menu">
          <X className="size-5" aria-hidden="true" />
        </DialogPrimitive.Close>
        {children}
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
}
