import type { ReactNode } from "react";
import { CookieNotice } from "./cookie-notice";
import { Logo } from "./logo";

/** The centred card used by sign in and sign up (which also show the first-visit cookie notice). */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
  cookieNotice = false,
}: {
  title: string;
  subtitle: ReactNode;
  children: ReactNode;
  footer: ReactNode;
  cookieNotice?: boolean;
}) {
  return (
    <div className="relative flex min-h-dvh flex-col items-center justify-center overflow-hidden px-4 py-12 sm:px-6">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-x-0 top-0 -z-10 h-96 bg-gradient-to-b from-indigo-100/70 via-indigo-50/40 to-transparent"
      />
      <main className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center text-center">
          <Logo className="mb-8" />
          <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{title}</h1>
          <p className="mt-2 text-sm text-zinc-600">{subtitle}</p>
        </div>
        <div className="rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8">{children}</div>
        <p className="mt-6 text-center text-sm text-zinc-600">{footer}</p>
        {cookieNotice ? <CookieNotice /> : null}
        <p className="mt-6 text-center text-xs text-zinc-500">
          {/* A server page, not a route of this app: a plain link loads it. */}
          <a href="/privacy" className="rounded hover:text-zinc-700 hover:underline">
            Privacy
          </a>
        </p>
      </main>
    </div>
  );
}
