import { createRouter } from "@tanstack/react-router";
import { RouteError } from "./components/route-error";
import { PageSpinner } from "./components/ui/spinner";
import { queryClient, trpcUtils } from "./lib/trpc";
import { routeTree } from "./routeTree.gen";

export const router = createRouter({
  routeTree,
  context: { queryClient, trpc: trpcUtils },
  defaultPreload: "intent",
  // React Query owns caching; the router should always ask it.
  defaultPreloadStaleTime: 0,
  scrollRestoration: true,
  defaultPendingComponent: () => <PageSpinner />,
  defaultErrorComponent: RouteError,
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
  interface StaticDataRouteOption {
    /** "wide" pages (tables, the board) use the whole width instead of a reading column. */
    layout?: "wide" | "full";
  }
}
