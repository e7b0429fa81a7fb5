import { hasCalendarFeed, revokeCalendarFeed, rotateCalendarFeed } from "@crm/core";
import { authedProcedure, router } from "../trpc";

/** The private, read-only calendar feed URL (subscribe from any calendar app). */
export const calendarFeedRouter = router({
  status: authedProcedure.query(async ({ ctx }) => ({ active: await hasCalendarFeed(ctx) })),
  /** Creates the feed or replaces its URL; the URL is shown only now. */
  rotate: authedProcedure.mutation(async ({ ctx }) => {
    const { path } = await rotateCalendarFeed(ctx);
    return { url: `${ctx.appUrl}${path}` };
  }),
  revoke: authedProcedure.mutation(async ({ ctx }) => {
    await revokeCalendarFeed(ctx);
    return { ok: true as const };
  }),
});
