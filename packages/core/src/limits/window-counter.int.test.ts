import { createDb } from "@crm/db";
import { useRacePool, useTestDatabase } from "@crm/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../ports";
import { type RateVerdict, WindowCounter } from "./window-counter";

const testDb = useTestDatabase();
const wide = useRacePool(testDb);
const HOUR = 60 * 60 * 1000;

function counter(clock: ManualClock, limit: number, db = wide().db, prefix = "t:") {
  return new WindowCounter({ db, clock, prefix, limit, windowMs: HOUR });
}

const granted = (verdicts: (RateVerdict | null)[]) => verdicts.filter((v) => v?.granted).length;

describe("WindowCounter", () => {
  it("grants exactly the limit to a burst split between two processes' counters, and tells who is where", async () => {
    const clock = new ManualClock("2026-03-01T10:20:00Z");
    // Two counters = two processes: each coalesces its own waiting requests into one statement.
    const [a, b] = [counter(clock, 25), counter(clock, 25)];
    const verdicts = await Promise.all(
      Array.from({ length: 70 }, (_, i) => (i % 2 ? a : b).take(i % 7 === 0 ? "other" : "burst")),
    );
    const burst = verdicts.filter((_, i) => i % 7 !== 0);
    const other = verdicts.filter((_, i) => i % 7 === 0);
    expect(granted(burst)).toBe(25);
    expect(burst.length - granted(burst)).toBe(burst.length - 25);
    expect(granted(other)).toBe(other.length); // another key's budget is its own
    // Every granted request saw a distinct remaining count: positions 1..25, none shared.
    const remaining = burst.filter((v) => v?.granted).map((v) => v!.remaining);
    expect(new Set(remaining).size).toBe(25);
    expect(Math.min(...remaining)).toBe(0);
    expect(Math.max(...remaining)).toBe(24);
    // 40 minutes of the hour remain.
    expect(burst.every((v) => v?.resetSeconds === 40 * 60)).toBe(true);
    expect(burst.filter((v) => v?.reachedWarning)).toHaveLength(1);
  });

  it("refuses without consuming past the limit, and starts afresh in the next hour", async () => {
    const clock = new ManualClock("2026-03-01T10:59:30Z");
    const limiter = counter(clock, 3);
    const first = [];
    for (let i = 0; i < 5; i++) first.push(await limiter.take("rollover"));
    expect(first.map((v) => v?.granted)).toEqual([true, true, true, false, false]);
    expect(first.map((v) => v?.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(first[4]?.resetSeconds).toBe(30);
    const [row] = await testDb().db.execute<{ used: number }>(
      sql`select used from rate_limit_counters where key = 't:rollover'`,
    );
    expect(row?.used).toBeLessThanOrEqual(3 + 1); // the limit plus at most one batch, not every refusal

    clock.advance(30_000);
    const next = await limiter.take("rollover");
    expect(next).toMatchObject({ granted: true, remaining: 2, resetSeconds: 3600 });
  });

  it("reports the warning once per key and window, counts keys past it, and prunes ended windows", async () => {
    const clock = new ManualClock("2026-03-02T08:00:00Z");
    const limiter = counter(clock, 10, wide().db, "warn:");
    const verdicts = [];
    for (let i = 0; i < 10; i++) verdicts.push(await limiter.take("w1"));
    expect(verdicts.map((v) => v?.reachedWarning)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
    ]);
    for (let i = 0; i < 7; i++) await limiter.take("w2"); // 70%: not yet
    expect(await limiter.nearLimitCount()).toBe(1);
    await limiter.take("w2");
    expect(await limiter.nearLimitCount()).toBe(2);

    // Two hours on, the first take prunes this prefix's old windows (in the background).
    clock.advance(2 * HOUR);
    await limiter.take("w1");
    await expect
      .poll(async () => {
        const rows = await testDb().db.execute<{ n: number }>(
          sql`select count(*)::int as n from rate_limit_counters where key like 'warn:%' and window_start < '2026-03-02T10:00:00Z'`,
        );
        return rows[0]?.n;
      })
      .toBe(0);
    expect(await limiter.nearLimitCount()).toBe(0);
  });

  it("lets requests through (null) when the database cannot count, and reports the error", async () => {
    const broken = createDb("postgres://nobody@127.0.0.1:1/none", { max: 1 });
    const errors: unknown[] = [];
    const limiter = new WindowCounter({
      db: broken.db,
      clock: new ManualClock(),
      prefix: "x:",
      limit: 1,
      windowMs: HOUR,
      onError: (error) => errors.push(error),
    });
    expect(await Promise.all([limiter.take("a"), limiter.take("b")])).toEqual([null, null]);
    expect(errors).toHaveLength(1);
    await broken.close();
  });
});
