import { useRouterState } from "@tanstack/react-router";
import { CircleAlert, PauseCircle, X } from "lucide-react";
import { useState } from "react";
import { userMessage } from "../../lib/errors";
import { formatTime, useUserTimeZone } from "../../lib/time";
import { Button } from "../ui/button";
import { useCalendarSyncStatus, useConnectGoogle } from "./status";

const DISMISSED_KEY = "crm.googleReconnectBannerDismissed";

function dismissedThisSession(): boolean {
  try {
    return sessionStorage.getItem(DISMISSED_KEY) === "1";
  } catch {
    return false;
  }
}

/**
 * Above every page: Google Calendar disconnected (a reconnect prompt, once per browser session) or
 * sync paused by Google's quota (resumes by itself). Settings shows the details either way.
 */
export function SyncBanner() {
  const status = useCalendarSyncStatus();
  const zone = useUserTimeZone();
  const connect = useConnectGoogle();
  const [dismissed, setDismissed] = useState(dismissedThisSession);
  const onSettings = useRouterState({ select: (s) => s.location.pathname.startsWith("/settings") });
  const data = status.data;
  if (!data) return null;

  if (data.status === "disconnected" && !dismissed && !onSettings) {
    return (
      <div
        role="alert"
        className="mb-6 flex flex-col gap-3 rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 sm:flex-row sm:items-center"
      >
        <CircleAlert className="hidden size-5 shrink-0 text-red-500 sm:block" aria-hidden="true" />
        <p className="min-w-0 flex-1">
          <span className="font-medium">Google Calendar is disconnected:</span> access was revoked or has expired.
          Changes are kept and will sync after you reconnect.
          {connect.error ? <span className="block text-red-700">{userMessage(connect.error)}</span> : null}
        </p>
        <div className="flex shrink-0 items-center gap-2">
          <Button
            size="sm"
            onClick={() => connect.mutate({ calendarId: data.calendarId ?? "primary" })}
            loading={connect.isPending}
          >
            Reconnect
          </Button>
          <Button
            variant="ghost"
            size="sm"
            aria-label="Dismiss until next time"
            onClick={() => {
              try {
                sessionStorage.setItem(DISMISSED_KEY, "1");
              } catch {
                // Private mode: dismiss for this page view only.
              }
              setDismissed(true);
            }}
          >
            <X className="size-4" aria-hidden="true" />
          </Button>
        </div>
      </div>
    );
  }
  if (data.status === "paused") {
    return (
      <div
        role="status"
        className="mb-6 flex items-center gap-3 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      >
        <PauseCircle className="size-5 shrink-0 text-amber-500" aria-hidden="true" />
        <p>
          <span className="font-medium">Google Calendar sync is paused</span> (Google's API quota is used up); it
          resumes by itself{data.pausedUntil ? ` at ${formatTime(data.pausedUntil, zone)}` : " shortly"}.
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
