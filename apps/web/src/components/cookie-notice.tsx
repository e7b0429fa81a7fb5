import { Cookie } from "lucide-react";
import { useState } from "react";
import { Button } from "./ui/button";

/** Remembers the dismissal in this browser: strictly necessary (it only keeps the notice away). */
export const COOKIE_NOTICE_KEY = "crm:cookie-notice-dismissed";

function dismissedBefore(): boolean {
  try {
    return window.localStorage.getItem(COOKIE_NOTICE_KEY) === "1";
  } catch {
    return false;
  }
}

/**
 * The first-visit notice on the sign-in and sign-up pages: the app sets only a strictly necessary
 * session cookie, so it informs rather than asks. It sits in the page's flow under the form, never
 * over it. Anything non-essential added one day must ask for consent first, not extend this.
 */
export function CookieNotice() {
  // Read synchronously so a returning visitor never sees it flash.
  const [visible, setVisible] = useState(() => !dismissedBefore());
  if (!visible) return null;
  function dismiss() {
    try {
      window.localStorage.setItem(COOKIE_NOTICE_KEY, "1");
    } catch {
      // Storage unavailable (private mode): the notice just goes away for this visit.
    }
    setVisible(false);
  }
  return (
    <section
      aria-label="Cookies"
      className="mt-6 flex items-start gap-3 rounded-xl border border-zinc-200 bg-white/80 p-4 text-sm text-zinc-600 shadow-sm"
    >
      <Cookie className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden="true" />
      <p className="flex-1">
        We use cookies only to keep you signed in: no tracking, no ads.{" "}
        <a href="/privacy" className="rounded font-medium text-indigo-600 hover:text-indigo-500 hover:underline">
          Privacy
        </a>
      </p>
      <Button variant="ghost" size="sm" className="-my-1 -mr-1" onClick={dismiss}>
        OK
      </Button>
    </section>
  );
}
