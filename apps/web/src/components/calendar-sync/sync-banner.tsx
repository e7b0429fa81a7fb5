import { useRouterState } from "@tanstack/react-router";
import { CircleAlert, PauseCircle } from "lucide-react";
import { useState } from "react";
import { userMessage } from "../../lib/errors";
import { useUserTimeZone } from "../../lib/time";
import { Banner } from "../ui/banner";
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
      <Banner
        tone="error"
        icon={CircleAlert}
        dismissLabel="Dismiss for this session"
        onDismiss={() => {
          rememberDismissal(disconnectedAt);
          setDismissedAt(disconnectedAt);
        }}
      >
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
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
      </Banner>
    );
  }
  if (data.status === "paused") {
    return (
      <Banner tone="warning" icon={PauseCircle}>
        <p>
          <span className="font-medium">Google Calendar sync is paused</span> (API quota used up); it resumes by itself{" "}
          {data.pausedUntil ? `at ${resumeTime(data.pausedUntil, zone)}` : "within a minute"}.
        </p>
      </Banner>
    );
  }
  return null;
}

/** A dot on the Settings nav item while the connection needs attention. */
export function useSyncNeedsAttention(): boolean {
  const status = useCalendarSyncStatus();
  return status.data?.status === "disconnected" || status.data?.status === "error";
}
