import { createFileRoute } from "@tanstack/react-router";
import { CalendarCheck } from "lucide-react";
import { ComingSoon } from "../../../components/coming-soon";

export const Route = createFileRoute("/_authed/bookings/")({
  component: () => (
    <ComingSoon
      title="Bookings"
      description="Proposed, confirmed and completed sessions."
      icon={CalendarCheck}
      emptyTitle="No bookings yet"
      emptyDescription="Sessions you book with clients will be listed here, with reminders sent for you."
    />
  ),
});
