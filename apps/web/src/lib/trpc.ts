import type { AppRouter } from "@crm/api";
import { QueryCache, QueryClient } from "@tanstack/react-query";
import { httpBatchLink, TRPCClientError } from "@trpc/client";
import { createTRPCQueryUtils, createTRPCReact } from "@trpc/react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import superjson from "superjson";

export const trpc = createTRPCReact<AppRouter>();

export const trpcClient = trpc.createClient({
  links: [httpBatchLink({ url: "/trpc", transformer: superjson })],
});

/** HTTP status of a failed call, when the server answered at all. */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof TRPCClientError) {
    const status = (error.data as { httpStatus?: unknown } | undefined)?.httpStatus;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: unknown } | undefined)?.code === "UNAUTHORIZED";
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error) => {
      // The session ended while the app was open (expiry, sign-out in another tab): forget the user.
      // The _authed layout then sends the browser to sign in, and back here afterwards.
      // (auth.me itself answers null rather than failing.)
      if (isUnauthorized(error)) trpcUtils.auth.me.setData(undefined, null);
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (failureCount, error) => {
        const status = httpStatusOf(error);
        // 4xx means the request itself is wrong (or signed out): asking again gives the same answer.
        if (status !== undefined && status >= 400 && status < 500) return false;
        return failureCount < 2;
      },
    },
    mutations: { retry: false },
  },
});

/** Imperative tRPC helpers (ensureData, setData, invalidate) for route loaders and guards. */
export const trpcUtils = createTRPCQueryUtils({ queryClient, client: trpcClient });
export type TrpcUtils = typeof trpcUtils;

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
