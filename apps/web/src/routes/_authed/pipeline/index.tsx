import { createFileRoute } from "@tanstack/react-router";
import { SquareKanban } from "lucide-react";
import { ComingSoon } from "../../../components/coming-soon";

export const Route = createFileRoute("/_authed/pipeline/")({
  component: () => (
    <ComingSoon
      title="Pipeline"
      description="Follow leads from first contact to booked client."
      icon={SquareKanban}
      emptyTitle="Your pipeline is on its way"
      emptyDescription="Drag clients through stages you define, from lead to regular."
    />
  ),
});
