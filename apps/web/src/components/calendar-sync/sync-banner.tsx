import { useRouterState } from "@tanstack/react-router";
import { CircleAlert, PauseCircle, X } from "lucide-react";
import { useState } from "react";
import { userMessage } from "../../lib/errors";
import { useUserTimeZone } from "../../lib/time";
import { Button } from "../ui/button";
import { resumeTime, useCalendarSyncStatus, useConnectGoogle } from "./status";

const DISMISSED_KEY = "crm.googleReconnectBannerDismissed";

/**
 * Dismissed for this browser session and this disconnection: the key holds when the connection broke, so
 * a later disconnection (after a reconnect) shows the prompt again.
 */
function dismissedThisSession(disconnectedAt: string): boolean {
  try {
    return sessionStorage.getItem(DISMISSED_KEY) === disconnectedAt;
  } catch {
    return false;
  }
}

function rememberDismissal(disconnectedAt: string) {
  try {
    sessionStorage.setItem(DISMISSED_KEY, disconnectedAt);
  } catch {
    // Storage blocked: dismissed until the next page load only.
  }
}

/**
 * Above every page: Google Calendar disconnected (a reconnect prompt until dismissed, once per browser
 * session) or sync paused by Google's quota (it resumes by itself). Not on Settings, whose Google Calendar
 * card says the same with its buttons.
 */
export function SyncBanner() {
  const status = useCalendarSyncStatus();
  const zone = useUserTimeZone();
  const connect = useConnectGoogle();
  const [dismissedAt, setDismissedAt] = useState<string | null>(null);
  const onSettings = useRouterState({ select: (s) => s.location.pathname.startsWith("/settings") });
  const data = status.data;
  // Settings shows the same in its Google Calendar card, with the buttons.
  if (!data?.configured || onSettings) return null;

  const disconnectedAt = data.lastErrorAt ? new Date(data.lastErrorAt).toISOString() : "unknown";
  const dismissed = dismissedAt === disconnectedAt || dismissedThisSession(disconnectedAt);
  if (data.status === "disconnected" && !dismissed) {
    return (
      <div
        role="alert"
        className="mb-6 flex items-start gap-3 rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900"
      >
        <CircleAlert className="mt-0.5 size-5 shrink-0 text-red-500" aria-hidden="true" />
        <div className="flex min-w-0 flex-1 flex-col gap-3 sm:flex-row sm:items-center">
          <div className="min-w-0 flex-1">
            <p>
              <span className="font-medium">Google Calendar is disconnected:</span> access was revoked or has expired.
              Changes are kept and will sync after you reconnect.
            </p>
            {connect.error ? <p className="mt-1 font-medium text-red-700">{userMessage(connect.error)}</p> : null}
          </div>
          <Button
            size="sm"
            className="self-start sm:self-center"
            onClick={() => connect.mutate({ calendarId: data.calendarId ?? "primary" })}
            loading={connect.isPending || connect.isSuccess}
          >
            Reconnect
          </Button>
        </div>
        <button
          type="button"
          aria-label="Dismiss for this session"
          title="Dismiss for this session"
          className="-mt-1 -mr-2 flex size-8 shrink-0 items-center justify-center rounded-md text-red-700 transition-colors hover:bg-red-100 hover:text-red-900 focus-visible:outline-2 focus-visible:outline-indigo-600 sm:mt-0 sm:self-center"
          onClick={() => {
            rememberDismissal(disconnectedAt);
            setDismissedAt(disconnectedAt);
          }}
        >
          <X className="size-4" aria-hidden="true" />
        </button>
      </div>
    );
  }
  if (data.status === "paused") {
    return (
      <div
        role="status"
        className="mb-6 flex items-start gap-3 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      >
        <PauseCircle className="mt-0.5 size-5 shrink-0 text-amber-500" aria-hidden="true" />
        <p>
          <span className="font-medium">Google Calendar sync is paused</span> (API quota used up); it resumes by itself{" "}
          {data.pausedUntil ? `at ${resumeTime(data.pausedUntil, zone)}` : "within a minute"}.
        </p>
      </div>
    );
  }
  return null;
}

/** A dot on the Settings nav item while the connection needs attention. */
export function useSyncNeedsAttention(): boolean {
  const status = useCalendarSyncStatus();
  return status.data?.status === "disconnected" || status.data?.status === "error";
}
