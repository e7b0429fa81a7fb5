import { formatDateTime, relativeTime } from "../../lib/format";

/** "3 hours ago", with the exact date and time on hover and in the markup. */
export function RelativeTime({ at, zone, className }: { at: Date; zone?: string | undefined; className?: string }) {
  return (
    <time className={className} dateTime={at.toISOString()} title={formatDateTime(at, zone)}>
      {relativeTime(at, zone)}
    </time>
  );
}
