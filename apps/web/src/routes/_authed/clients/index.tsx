import { createFileRoute } from "@tanstack/react-router";
import { UsersRound } from "lucide-react";
import { ComingSoon } from "../../../components/coming-soon";

export const Route = createFileRoute("/_authed/clients/")({
  component: () => (
    <ComingSoon
      title="Clients"
      description="Everyone you work with, in one place."
      icon={UsersRound}
      emptyTitle="No clients yet"
      emptyDescription="Your clients will show up here once you add or import them."
    />
  ),
});
