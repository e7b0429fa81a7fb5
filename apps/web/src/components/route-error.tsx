import { useQueryErrorResetBoundary } from "@tanstack/react-query";
import { type ErrorComponentProps, Link, useRouter } from "@tanstack/react-router";
import { RotateCw, TriangleAlert } from "lucide-react";
import { useEffect, useState } from "react";
import { retryAfterSeconds, userMessage } from "../lib/errors";
import { useDocumentTitle } from "../lib/use-document-title";
import { Button } from "./ui/button";

/** Shown when a route fails to load or render: says what happened and offers to try again. */
export function RouteError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  const queryReset = useQueryErrorResetBoundary();
  const throttled = useWaitBeforeRetry(error);
  const title = throttled.refused ? "Too many requests" : "Something went wrong";
  useDocumentTitle(title);

  async function retry() {
    queryReset.reset();
    await router.invalidate();
    reset();
  }

  return (
    <div className="flex min-h-[60vh] flex-1 items-center justify-center p-6">
      <div className="w-full max-w-md text-center">
        <div className="mx-auto mb-5 flex size-12 items-center justify-center rounded-full bg-red-50 ring-1 ring-red-100">
          <TriangleAlert className="size-6 text-red-500" aria-hidden="true" />
        </div>
        <h1 className="text-lg font-semibold text-zinc-900">{title}</h1>
        <p role="alert" className="mt-2 text-sm text-zinc-600">
          {userMessage(error)}
        </p>
        <div className="mt-6 flex justify-center gap-3">
          <Button onClick={retry} disabled={throttled.waiting}>
            <RotateCw className="size-4" aria-hidden="true" />
            Try again
          </Button>
          {/* Every page asks the server: while the budget is spent, home would fail the same way. */}
          {!throttled.waiting && (
            <Button variant="secondary" asChild>
              <Link to="/">Go home</Link>
            </Button>
          )}
        </div>
      </div>
    </div>
  );
}

/** A 429: "Try again" stays disabled (and "Go home" hidden) until the server said the budget is back. */
function useWaitBeforeRetry(error: unknown) {
  const seconds = retryAfterSeconds(error);
  const [waiting, setWaiting] = useState(seconds !== null);
  useEffect(() => {
    setWaiting(seconds !== null);
    if (seconds === null) return;
    const timer = setTimeout(() => setWaiting(false), seconds * 1000);
    return () => clearTimeout(timer);
  }, [seconds]);
  return { refused: seconds !== null, waiting };
}
