import type { ReactNode } from "react";
import { userMessage } from "../lib/errors";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";

/** What the page scaffold reads from a react-query result (a plain or an infinite query). */
export interface QueryLike<TData> {
  data: TData | undefined;
  error: unknown;
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  refetch: () => unknown;
}

/** Says that something could not be loaded, and why, with a Retry that asks again. */
export function QueryError({
  query,
  title,
  className,
}: {
  query: QueryLike<unknown>;
  title?: string;
  className?: string;
}) {
  return (
    <Alert
      variant="error"
      title={title}
      className={className}
      action={
        <Button variant="secondary" size="sm" onClick={() => query.refetch()} loading={query.isFetching}>
          Retry
        </Button>
      }
    >
      {userMessage(query.error)}
    </Alert>
  );
}

export interface QueryStateProps<TData> {
  query: QueryLike<TData>;
  /** The skeleton shown while the first answer is on its way. */
  pending: ReactNode;
  /** The error's title, e.g. "Could not load your clients". */
  errorTitle: string;
  /** Whether the loaded data has nothing to show; `empty` is shown then. */
  isEmpty?: (data: TData) => boolean;
  empty?: ReactNode;
  children: (data: TData) => ReactNode;
}

/**
 * The states every list page goes through: a skeleton while loading, an error with Retry, an empty
 * state, then the data. A failed refresh keeps showing the data already loaded.
 */
export function QueryState<TData>({ query, pending, errorTitle, isEmpty, empty, children }: QueryStateProps<TData>) {
  if (query.data === undefined) {
    if (query.isError) return <QueryError query={query} title={errorTitle} />;
    return <>{pending}</>;
  }
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}

/** The "Load more" button under a paged list, shown while there are more pages. */
export function LoadMore({
  query,
  className,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  className?: string;
}) {
  if (!query.hasNextPage) return null;
  return (
    <div className={className ?? "mt-4 flex justify-center"}>
      <Button variant="secondary" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
        {query.isFetchingNextPage ? "Loading…" : "Load more"}
      </Button>
    </div>
  );
}
