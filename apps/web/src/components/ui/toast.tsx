import * as ToastPrimitive from "@radix-ui/react-toast";
import { CircleAlert, CircleCheck, X } from "lucide-react";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";
import { cn } from "../../lib/utils";

type ToastVariant = "success" | "error";

export interface ToastAction {
  label: string;
  onClick: () => void;
}

interface ToastItem {
  id: number;
  title: string;
  description?: string | undefined;
  variant: ToastVariant;
  action?: ToastAction | undefined;
}

export interface ToastOptions {
  title: string;
  description?: string | undefined;
  variant?: ToastVariant;
  /** A single follow-up (e.g. Undo); the notice then stays longer. */
  action?: ToastAction | undefined;
}

interface ToastApi {
  toast: (toast: ToastOptions) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast must be used inside <ToastProvider>");
  return api;
}

/** Errors and notices with a follow-up stay longer: they need reading or acting on. */
function durationOf({ action, variant }: ToastItem): number {
  return action ? 10_000 : variant === "error" ? 8000 : 5000;
}

/**
 * Small, self-dismissing notices (bottom right; bottom centre on phones) on Radix Toast: announced to
 * screen readers, paused while hovered or focused, swiped away on touch screens, reached with F8.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const toast = useCallback<ToastApi["toast"]>(({ title, description, variant = "success", action }) => {
    const id = nextId.current++;
    setToasts((all) => [...all.slice(-2), { id, title, description, variant, action }]);
  }, []);
  const api = useMemo(() => ({ toast }), [toast]);

  return (
    <ToastContext.Provider value={api}>
      <ToastPrimitive.Provider swipeDirection="right" label="Notification">
        {children}
        {toasts.map((t) => (
          <Toast key={t.id} toast={t} onDismiss={() => dismiss(t.id)} />
        ))}
        <ToastPrimitive.Viewport className="fixed inset-x-0 bottom-0 z-50 m-0 flex list-none flex-col items-center gap-2 p-4 outline-none sm:items-end" />
      </ToastPrimitive.Provider>
    </ToastContext.Provider>
  );
}

function Toast({ toast: t, onDismiss }: { toast: ToastItem; onDismiss: () => void }) {
  const Icon = t.variant === "success" ? CircleCheck : CircleAlert;
  return (
    <ToastPrimitive.Root
      duration={durationOf(t)}
      type={t.variant === "error" ? "foreground" : "background"}
      onOpenChange={(open) => !open && onDismiss()}
      className={cn(
        "flex w-full max-w-sm items-start gap-3 rounded-xl border bg-white px-4 py-3 shadow-lg ring-1 ring-black/5",
        "animate-[toast-in_160ms_ease-out] data-[swipe=move]:translate-x-[var(--radix-toast-swipe-move-x)]",
        t.variant === "success" ? "border-emerald-200" : "border-red-200",
      )}
    >
      <Icon
        className={cn("mt-0.5 size-5 shrink-0", t.variant === "success" ? "text-emerald-500" : "text-red-500")}
        aria-hidden="true"
      />
      <div className="min-w-0 flex-1">
        <ToastPrimitive.Title className="text-sm font-medium text-zinc-900">{t.title}</ToastPrimitive.Title>
        {t.description ? (
          <ToastPrimitive.Description className="mt-0.5 text-sm text-zinc-600">
            {t.description}
          </ToastPrimitive.Description>
        ) : null}
      </div>
      {t.action ? (
        <ToastPrimitive.Action
          altText={t.action.label}
          onClick={t.action.onClick}
          className="-my-1 shrink-0 rounded-md px-2 py-1 text-sm font-semibold text-indigo-600 hover:bg-indigo-50 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {t.action.label}
        </ToastPrimitive.Action>
      ) : null}
      <ToastPrimitive.Close
        className="-m-1 rounded-md p-1 text-zinc-500 hover:text-zinc-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
        aria-label="Dismiss notification"
      >
        <X className="size-4" aria-hidden="true" />
      </ToastPrimitive.Close>
    </ToastPrimitive.Root>
  );
}
