import type { CalendarSyncDeps, CoreContext } from "../context";
import { type CalendarApi, type CalendarProviderError, isCalendarProviderError } from "../ports";
import type { Lease } from "./lease";
import { SyncPaused } from "./outcomes";
import { countGoogleCall, GOOGLE_QUOTA_CRITICAL, GOOGLE_QUOTA_WARNING } from "./quota";
import { refreshAccessToken } from "./tokens";
import type { ConnectionRow, SyncLog } from "./types";

export function calendarDeps(ctx: CoreContext): CalendarSyncDeps {
  if (!ctx.calendar) throw new Error("Google Calendar is not configured (GOOGLE_CLIENT_ID)");
  return ctx.calendar;
}

const DEFAULT_BACKOFF = { baseMs: 500, attempts: 5 };
const MAX_DELAY_MS = 30_000;
/** 5xx get this many quick retries in the run; the job queue's own retries take over after. */
const UNAVAILABLE_RETRIES = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function nextMinute(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
}

/**
 * One authorised conversation with Google for a run: before every call the lease is kept and the
 * call counted against the quota; a 401 refreshes the token once and retries, rate limits back off
 * exponentially with jitter, and 5xx get two quick retries.
 */
export class GoogleSession {
  private api: CalendarApi;
  calls = 0;

  constructor(
    private readonly ctx: CoreContext,
    private readonly connection: ConnectionRow,
    private accessToken: string,
    private readonly lease: Lease,
    private readonly log: SyncLog = () => {},
  ) {
    this.api = calendarDeps(ctx).provider.api(accessToken);
  }

  async call<T>(work: (api: CalendarApi) => Promise<T>): Promise<T> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      await this.beforeCall();
      try {
        return await work(this.api);
      } catch (error) {
        if (!isCalendarProviderError(error)) throw error;
        if (error.kind === "unauthorized" && !refreshed) {
          refreshed = true;
          await this.refreshToken();
          continue;
        }
        await this.backOffOrThrow(error, attempt);
      }
    }
  }

  private async beforeCall(): Promise<void> {
    await this.lease.keep();
    const { quotaPerMinute } = calendarDeps(this.ctx);
    const used = await countGoogleCall(this.ctx, quotaPerMinute);
    if (used === Math.floor(quotaPerMinute * GOOGLE_QUOTA_WARNING) + 1) {
      this.log("Google API calls passed 70% of the per-minute quota", { used, quota: quotaPerMinute });
    } else if (used === Math.floor(quotaPerMinute * GOOGLE_QUOTA_CRITICAL) + 1) {
      this.log("Google API calls passed 90% of the per-minute quota", { used, quota: quotaPerMinute });
    }
    this.calls += 1;
  }

  private async refreshToken(): Promise<void> {
    this.accessToken = await refreshAccessToken(this.ctx, this.connection.id, this.accessToken);
    this.api = calendarDeps(this.ctx).provider.api(this.accessToken);
  }

  /** Waits before the next attempt when the failure is worth retrying; throws it otherwise. */
  private async backOffOrThrow(error: CalendarProviderError, attempt: number): Promise<void> {
    if (error.kind === "quota_exceeded") throw new SyncPaused(nextMinute(this.ctx.clock.now()));
    const backoff = calendarDeps(this.ctx).backoff ?? DEFAULT_BACKOFF;
    const retryable = error.kind === "rate_limited" || (error.kind === "unavailable" && attempt < UNAVAILABLE_RETRIES);
    if (!retryable || attempt >= backoff.attempts) throw error;
    const delay = Math.min(backoff.baseMs * 2 ** attempt, MAX_DELAY_MS);
    await sleep(delay / 2 + Math.random() * delay);
  }
}
