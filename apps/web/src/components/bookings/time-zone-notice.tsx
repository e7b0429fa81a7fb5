import { Globe, X } from "lucide-react";
import { useCurrentUser } from "../../lib/auth";
import { useTimeZoneNotice, useUserTimeZone, zoneOffset } from "../../lib/time";

/** "Times are now shown in Asia/Kathmandu": once, after the user's zone changed in Settings. */
export function TimeZoneNotice() {
  const user = useCurrentUser();
  const zone = useUserTimeZone();
  const { changedFrom, dismiss } = useTimeZoneNotice(user?.id, zone);
  if (!changedFrom) return null;
  return (
    <div
      role="status"
      className="mb-6 flex items-start gap-3 rounded-lg border border-indigo-200 bg-indigo-50 px-4 py-3 text-sm text-indigo-900"
    >
      <Globe className="mt-0.5 size-4 shrink-0 text-indigo-500" aria-hidden="true" />
      <p className="min-w-0 flex-1">
        <span className="font-medium">Times are now shown in {zone}</span>{" "}
        <span className="text-indigo-800/80">
          ({zoneOffset(zone)}), your new time zone. They were shown in {changedFrom}; bookings keep their moment.
        </span>
      </p>
      <button
        type="button"
        onClick={dismiss}
        className="-m-1 rounded-md p-1 text-indigo-500 hover:bg-indigo-100 hover:text-indigo-700"
        aria-label="Dismiss time zone notice"
      >
        <X className="size-4" aria-hidden="true" />
      </button>
    </div>
  );
}
