import { createFileRoute } from "@tanstack/react-router";
import { CalendarDays } from "lucide-react";
import { ComingSoon } from "../../../components/coming-soon";

export const Route = createFileRoute("/_authed/calendar/")({
  component: () => (
    <ComingSoon
      title="Calendar"
      description="Your sessions by day and week."
      icon={CalendarDays}
      emptyTitle="Nothing on the calendar yet"
      emptyDescription="See every session at a glance, kept in sync with Google Calendar."
    />
  ),
});
