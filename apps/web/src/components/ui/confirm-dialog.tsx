import type { ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";
import { Dialog, DialogClose, DialogContent } from "./dialog";

export interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  onConfirm: () => void;
  pending?: boolean;
  /** Why the last attempt failed, shown above the buttons so the person can try again. */
  error?: string | null;
  destructive?: boolean;
  children?: ReactNode;
}

/** Asks before doing something that is hard to take back. */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  cancelLabel = "Cancel",
  onConfirm,
  pending,
  error,
  destructive = true,
  children,
}: ConfirmDialogProps) {
  const body =
    error || children ? (
      <div className="space-y-4">
        {error ? <Alert variant="error">{error}</Alert> : null}
        {children}
      </div>
    ) : null;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        size="sm"
        title={title}
        description={description}
        footer={
          <>
            <DialogClose asChild>
              <Button variant="secondary">{cancelLabel}</Button>
            </DialogClose>
            <Button variant={destructive ? "danger" : "primary"} onClick={onConfirm} loading={pending}>
              {confirmLabel}
            </Button>
          </>
        }
      >
        {body}
      </DialogContent>
    </Dialog>
  );
}
