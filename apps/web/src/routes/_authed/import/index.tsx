import { createFileRoute } from "@tanstack/react-router";
import { FileUp } from "lucide-react";
import { ComingSoon } from "../../../components/coming-soon";

export const Route = createFileRoute("/_authed/import/")({
  component: () => (
    <ComingSoon
      title="Import"
      description="Bring your clients over from another tool."
      icon={FileUp}
      emptyTitle="Import from a spreadsheet"
      emptyDescription="Upload a CSV file and map its columns to clients in a few clicks."
    />
  ),
});
