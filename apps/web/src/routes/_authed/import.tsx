import { createFileRoute, redirect } from "@tanstack/react-router";

/** The importer's old address: links and bookmarks to /import (with an ?id=) land on /imports. */
export const Route = createFileRoute("/_authed/import")({
  beforeLoad: ({ search }) => {
    const { id } = search as { id?: unknown };
    throw redirect({ to: "/imports", search: typeof id === "string" ? { id } : {}, replace: true });
  },
});
