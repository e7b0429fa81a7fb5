import { schema } from "@crm/db";
import { and, eq, inArray, lt, or } from "drizzle-orm";
import { z } from "zod";
import { defineJob } from "../jobs/registry";
import { pruneGoogleUsage } from "./quota";
import { runCalendarSync } from "./sync";

const { calendarConnections, calendarOauthStates } = schema;

const syncPayload = z.object({ userId: z.uuid(), connectionId: z.uuid() });

/**
 * Syncs one connection both ways. Queued per connection with a singleton key on a "stately" queue
 * (at most one waiting and one running per connection), and the run itself holds a lease.
 */
export const calendarSyncJob = defineJob({
  name: "calendar.sync",
  payload: syncPayload,
  policy: "stately",
  retryLimit: 5,
  retryDelaySeconds: 10,
  retryDelayMaxSeconds: 600,
  async handle(ctx, payload) {
    const outcome = await runCalendarSync(ctx, payload.connectionId, ctx.log);
    if (outcome.outcome === "busy") {
      // Another worker is syncing this connection: look again once it is likely done.
      await ctx.jobs.send(ctx.db, calendarSyncJob, payload, {
        singletonKey: payload.connectionId,
        startAfter: new Date(Date.now() + 15_000),
      });
    } else if (outcome.outcome === "paused") {
      await ctx.jobs.send(ctx.db, calendarSyncJob, payload, {
        singletonKey: payload.connectionId,
        startAfter: new Date(Math.max(outcome.until.getTime(), Date.now() + 1000)),
      });
    }
  },
});

/** Every 5 minutes: a sync for each live connection (push notifications are not 100% reliable). */
export const calendarPollJob = defineJob({
  name: "calendar.poll",
  payload: z.object({}).loose(),
  cron: "*/5 * * * *",
  retryLimit: 1,
  async handle(ctx) {
    if (!ctx.calendar) return;
    const now = ctx.clock.now();
    const due = await ctx.db
      .select({ id: calendarConnections.id, userId: calendarConnections.userId })
      .from(calendarConnections)
      .where(
        or(
          inArray(calendarConnections.status, ["connected", "error"]),
          and(eq(calendarConnections.status, "paused"), lt(calendarConnections.pausedUntil, now)),
        ),
      );
    for (const connection of due) {
      await ctx.jobs.send(
        ctx.db,
        calendarSyncJob,
        { userId: connection.userId, connectionId: connection.id },
        { singletonKey: connection.id },
      );
    }
    await pruneGoogleUsage(ctx);
    await ctx.db
      .delete(calendarOauthStates)
      .where(lt(calendarOauthStates.createdAt, new Date(now.getTime() - 3600_000)));
    ctx.log("calendar poll", { connections: due.length });
  },
});
