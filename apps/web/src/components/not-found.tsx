import { Link } from "@tanstack/react-router";
import { ArrowLeft, Compass } from "lucide-react";
import { useDocumentTitle } from "../lib/use-document-title";
import { Logo } from "./logo";
import { Button } from "./ui/button";

export function NotFound() {
  useDocumentTitle("Page not found");
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-zinc-50 px-6 py-12">
      <Link to="/" className="mb-12 rounded-md" aria-label="CRM home">
        <Logo />
      </Link>
      <div className="w-full max-w-md text-center">
        <div className="mx-auto mb-6 flex size-14 items-center justify-center rounded-2xl bg-indigo-50 ring-1 ring-indigo-100">
          <Compass className="size-7 text-indigo-600" aria-hidden="true" strokeWidth={1.75} />
        </div>
        <p className="text-sm font-semibold tracking-wide text-indigo-600">404</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-zinc-900 sm:text-3xl">Page not found</h1>
        <p className="mt-3 text-sm text-zinc-600">
          We couldn't find the page you were looking for. It may have moved, or the link may be mistyped.
        </p>
        <div className="mt-8 flex flex-col-reverse justify-center gap-3 sm:flex-row">
          <Button variant="secondary" onClick={() => window.history.back()}>
            <ArrowLeft className="size-4" aria-hidden="true" />
            Go back
          </Button>
          <Button asChild>
            <Link to="/clients">Go to clients</Link>
          </Button>
        </div>
      </div>
    </main>
  );
}
