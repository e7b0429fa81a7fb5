import { schema } from "@crm/db";
import { eq, lt, sql } from "drizzle-orm";
import type { CoreContext } from "../context";
import { SyncPaused } from "./outcomes";

const { googleApiUsage } = schema;

const minuteOf = (instant: Date) => new Date(Math.floor(instant.getTime() / 60_000) * 60_000);

/**
 * Counts one Google API call in this minute, for the whole deployment (all processes share the
 * row). Over the quota the call is not made: the run pauses until the next minute.
 */
export async function countGoogleCall(ctx: CoreContext, quotaPerMinute: number): Promise<number> {
  const minute = minuteOf(ctx.clock.now());
  const [row] = await ctx.db
    .insert(googleApiUsage)
    .values({ minute, calls: 1 })
    .onConflictDoUpdate({ target: googleApiUsage.minute, set: { calls: sql`${googleApiUsage.calls} + 1` } })
    .returning({ calls: googleApiUsage.calls });
  const calls = row?.calls ?? 1;
  if (calls > quotaPerMinute) throw new SyncPaused(new Date(minute.getTime() + 60_000));
  return calls;
}

export interface QuotaUsage {
  calls: number;
  quota: number;
  /** 0..1 (can exceed 1 briefly) */
  ratio: number;
  warning: string | null;
}

/** The product's Google quota thresholds (also in ops/prometheus/crm-alerts.yml). */
export const GOOGLE_QUOTA_WARNING = 0.7;
export const GOOGLE_QUOTA_CRITICAL = 0.9;

/** This minute's calls against the quota: a warning above 70%, critical above 90% (in /health). */
export async function googleQuotaUsage(ctx: CoreContext, quotaPerMinute: number): Promise<QuotaUsage> {
  const [row] = await ctx.db
    .select({ calls: googleApiUsage.calls })
    .from(googleApiUsage)
    .where(eq(googleApiUsage.minute, minuteOf(ctx.clock.now())));
  const calls = row?.calls ?? 0;
  const ratio = calls / quotaPerMinute;
  const percent = `${Math.round(ratio * 100)}% of the per-minute quota (${calls}/${quotaPerMinute})`;
  const warning =
    ratio >= 1
      ? `Critical: Google API quota used up this minute (${calls}/${quotaPerMinute}): calendar sync is paused until the next minute`
      : ratio > GOOGLE_QUOTA_CRITICAL
        ? `Critical: Google API calls at ${percent}, over 90%`
        : ratio > GOOGLE_QUOTA_WARNING
          ? `Google API calls at ${percent}, over 70%`
          : null;
  return { calls, quota: quotaPerMinute, ratio, warning };
}

/** Old counters are of no use after a day. */
export async function pruneGoogleUsage(ctx: CoreContext): Promise<void> {
  await ctx.db
    .delete(googleApiUsage)
    .where(lt(googleApiUsage.minute, new Date(ctx.clock.now().getTime() - 24 * 3600_000)));
}
