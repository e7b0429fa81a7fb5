import { Globe } from "lucide-react";
import { useCurrentUser } from "../../lib/auth";
import { useTimeZoneNotice, useUserTimeZone, zoneOffset } from "../../lib/time";
import { Banner } from "../ui/banner";

/** "Times are now shown in Asia/Kathmandu": once, after the user's zone changed in Settings. */
export function TimeZoneNotice() {
  const user = useCurrentUser();
  const zone = useUserTimeZone();
  const { changedFrom, dismiss } = useTimeZoneNotice(user?.id, zone);
  if (!changedFrom) return null;
  return (
    <Banner tone="info" icon={Globe} onDismiss={dismiss} dismissLabel="Dismiss time zone notice">
      <p>
        <span className="font-medium">Times are now shown in {zone}</span>{" "}
        <span className="text-indigo-800/80">
          ({zoneOffset(zone)}), your new time zone. They were shown in {changedFrom}; bookings keep their moment.
        </span>
      </p>
    </Banner>
  );
}
