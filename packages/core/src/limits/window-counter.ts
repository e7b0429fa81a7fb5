import type { Database } from "@crm/db";
import { sql } from "drizzle-orm";
import type { Clock } from "../ports";

/** One request's answer from a budget. */
export interface RateVerdict {
  granted: boolean;
  limit: number;
  /** Requests left in this window after this one (0 when refused). */
  remaining: number;
  /** Seconds until the window ends and the budget is whole again (at least 1). */
  resetSeconds: number;
  /**
   * This request was the one that reached the warning share of the budget. Exactly one request per
   * key and window gets this, whichever process served it, so a log line keyed on it appears once.
   */
  reachedWarning: boolean;
}

export interface WindowCounterOptions {
  db: Database;
  clock: Clock;
  /** Keys of this counter start with it ("user:", "ip:"); pruning touches only these. */
  prefix: string;
  /** Requests granted per key and window. */
  limit: number;
  windowMs: number;
  /** A failed counting statement: the requests it carried are let through (see take). */
  onError?: (error: unknown) => void;
}

interface Waiting {
  key: string;
  windowStart: number;
  resolvers: ((verdict: RateVerdict | null) => void)[];
}

/** The share of a budget whose use is worth a warning (reachedWarning, nearLimitCount). */
export const BUDGET_WARNING_SHARE = 0.8;

const CLOCK_SKEW_MARGIN_MS = 60_000;

/** Within int4 even with a batch on top (the counter may pass the limit by one batch). */
export const MAX_WINDOW_LIMIT = 1_000_000_000;

/**
 * A fixed-window request budget per key, shared by every process on the database through
 * rate_limit_counters (UNLOGGED: losing counts in a crash is fine, paying WAL on each request is not).
 *
 * Group commit: at most one counting statement per counter is in flight in a process. Requests that
 * arrive meanwhile, for any key, wait and go together in the next one, so under load a statement
 * counts many requests and the cost per request falls as load rises; one request alone pays one
 * round trip (which the caller can overlap with its own work).
 *
 * Exactness: the statement adds a key's n waiting requests atomically and returns the new count, so
 * they hold positions count-n+1 .. count in the window's order across all processes; those at or
 * below the limit are granted. A key already at its limit stays at limit+n (refused requests consume
 * nothing beyond the limit, and the count cannot grow without bound under a flood).
 */
export class WindowCounter {
  readonly limit: number;
  readonly windowMs: number;
  /** The position whose grant reaches the warning share (e.g. 800 of 1000). */
  readonly warnPosition: number;
  readonly #options: WindowCounterOptions;
  #waiting = new Map<string, Waiting>();
  #flushing = false;
  #prunedBefore = 0;

  constructor(options: WindowCounterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > MAX_WINDOW_LIMIT) {
      throw new RangeError(`limit must be a whole number from 1 to ${MAX_WINDOW_LIMIT}`);
    }
    this.#options = options;
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.warnPosition = Math.max(1, Math.ceil(options.limit * BUDGET_WARNING_SHARE));
  }

  windowStartOf(now: number): number {
    return now - (now % this.windowMs);
  }

  /**
   * Counts one request for `id` (the key is prefix + id) and answers whether it is granted. Never
   * rejects: if the database cannot count, the request is let through (null), since failing closed
   * would turn a problem with this table into an outage of every signed-in request.
   */
  take(id: string): Promise<RateVerdict | null> {
    const key = this.#options.prefix + id;
    const windowStart = this.windowStartOf(this.#options.clock.now().getTime());
    return new Promise((resolve) => {
      const slot = `${windowStart}\u0000${key}`;
      let waiting = this.#waiting.get(slot);
      if (!waiting) {
        waiting = { key, windowStart, resolvers: [] };
        this.#waiting.set(slot, waiting);
      }
      waiting.resolvers.push(resolve);
      if (!this.#flushing) {
        this.#flushing = true;
        // Requests parsed in the same turn of the event loop join this first statement too.
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    while (this.#waiting.size > 0) {
      const batch = [...this.#waiting.values()];
      this.#waiting = new Map();
      await this.#count(batch);
    }
    this.#flushing = false;
  }

  async #count(batch: Waiting[]): Promise<void> {
    // Rows are locked in key order in every process, so two processes' batches never deadlock.
    batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.windowStart - b.windowStart));
    const rows = batch.map((w) => ({ k: w.key, w: new Date(w.windowStart).toISOString(), n: w.resolvers.length }));
    let counts: Map<string, number>;
    try {
      const result = await this.#options.db.execute<{ key: string; window_start: Date; used: number }>(sql`
        insert into rate_limit_counters as c (key, window_start, used)
        select r.k, r.w, r.n from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(k text, w timestamptz, n int)
        order by r.k collate "C", r.w
        on conflict (key, window_start) do update
          set used = least(c.used + excluded.used, ${this.limit}::int + excluded.used)
        returning c.key, c.window_start, c.used`);
      counts = new Map(result.map((row) => [`${new Date(row.window_start).getTime()}\u0000${row.key}`, row.used]));
    } catch (error) {
      this.#options.onError?.(error);
      for (const waiting of batch) for (const resolve of waiting.resolvers) resolve(null);
      return;
    }
    const now = this.#options.clock.now().getTime();
    for (const waiting of batch) {
      const used = counts.get(`${waiting.windowStart}\u0000${waiting.key}`);
      const n = waiting.resolvers.length;
      const resetSeconds = Math.max(1, Math.ceil((waiting.windowStart + this.windowMs - now) / 1000));
      for (const [index, resolve] of waiting.resolvers.entries()) {
        if (used === undefined) {
          resolve(null);
          continue;
        }
        const position = used - n + index + 1;
        const granted = position <= this.limit;
        resolve({
          granted,
          limit: this.limit,
          remaining: granted ? this.limit - position : 0,
          resetSeconds,
          reachedWarning: position === this.warnPosition,
        });
      }
    }
    this.#pruneEndedWindows(now);
  }

  /**
   * Piggy-backed cleanup: once per window and process, the rows of this counter's ended windows
   * go. A window is kept for a minute after it ends, so a process whose clock lags a little never
   * sees its current window emptied under it. Several processes pruning at once is harmless.
   */
  #pruneEndedWindows(now: number): void {
    const cutoff = this.windowStartOf(now - CLOCK_SKEW_MARGIN_MS);
    if (cutoff <= this.#prunedBefore) return;
    this.#prunedBefore = cutoff;
    this.#options.db
      .execute(sql`delete from rate_limit_counters
        where window_start < ${new Date(cutoff).toISOString()}::timestamptz and key like ${`${this.#options.prefix}%`}`)
      .catch((error: unknown) => this.#options.onError?.(error));
  }

  /** How many keys have used at least the warning share of this window's budget. */
  async nearLimitCount(): Promise<number> {
    const windowStart = new Date(this.windowStartOf(this.#options.clock.now().getTime())).toISOString();
    const [row] = await this.#options.db.execute<{ count: number }>(sql`
      select count(*)::int as count from rate_limit_counters
      where window_start = ${windowStart}::timestamptz and key like ${`${this.#options.prefix}%`}
        and used >= ${this.warnPosition}::int`);
    return row?.count ?? 0;
  }
}
