import { Link } from "@tanstack/react-router";
import { Plus, SearchX, UsersRound } from "lucide-react";
import { Button } from "../../../../components/ui/button";
import { EmptyState } from "../../../../components/ui/empty-state";

/** No clients at all (a first visit), or none matching the search and filters. */
export function ClientsEmpty({
  filtered,
  query,
  onClear,
  onCreate,
}: {
  filtered: boolean;
  query: string | undefined;
  onClear: () => void;
  onCreate: () => void;
}) {
  if (filtered) {
    return (
      <EmptyState
        icon={SearchX}
        title="No clients match"
        description={
          query
            ? `Nothing matches “${query}” with these filters. Try fewer words or part of a phone number.`
            : "No client matches these filters."
        }
        action={
          <Button variant="secondary" onClick={onClear}>
            Clear search and filters
          </Button>
        }
      />
    );
  }
  return (
    <EmptyState
      icon={UsersRound}
      title="No clients yet"
      description="Add the people you work with, or import them from a spreadsheet."
      action={
        <div className="flex flex-wrap justify-center gap-2">
          <Button onClick={onCreate}>
            <Plus className="size-4" aria-hidden="true" />
            New client
          </Button>
          <Button variant="secondary" asChild>
            <Link to="/imports">Import clients</Link>
          </Button>
        </div>
      }
    />
  );
}
