import { useRacePool, useTestDatabase } from "@crm/db/testing";
import { messages } from "@crm/shared";
import { describe, expect, it } from "vitest";
import { createClient } from "../clients/clients";
import { DomainError, pgErrorCode } from "../errors";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import { createBooking, updateBooking } from "./bookings";
import { listBookings } from "./queries";

const testDb = useTestDatabase();
const wide = useRacePool(testDb);

const CONCURRENT = 50;
const ROUNDS = 5;

async function owner() {
  const base = { db: wide().db, clock: new ManualClock("2026-03-01T09:00:00Z") };
  const user = await createTestUser(base);
  const ctx = { ...base, userId: user.id };
  const client = await createClient(ctx, { firstName: "Maya", email: "maya@example.com" });
  return { ...ctx, client };
}

/** Every outcome as "ok" or the domain error's code and message; anything else is a bug (a 500). */
async function outcomes(calls: Promise<unknown>[]) {
  const settled = await Promise.allSettled(calls);
  return settled.map((s) => {
    if (s.status === "fulfilled") return "ok";
    if (s.reason instanceof DomainError) return `${s.reason.code}: ${s.reason.message.split(":")[0]}`;
    return `bug: SQLSTATE ${pgErrorCode(s.reason)}: ${String(s.reason).slice(0, 80)}`;
  });
}

function tally(results: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

describe("bookings under concurrent writes", () => {
  it("books one slot once when 50 requests race for it, every round: the rest are told it is taken", async () => {
    const ctx = await owner();
    // Warm-up traffic: every connection of the pool has served queries before the race.
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        createBooking(ctx, {
          clientId: ctx.client.id,
          title: `Warm-up ${i}`,
          startsAt: new Date(Date.UTC(2026, 3, 1 + i, 9)),
          endsAt: new Date(Date.UTC(2026, 3, 1 + i, 10)),
        }),
      ),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const startsAt = new Date(Date.UTC(2026, 5, 1 + round, 14));
      const endsAt = new Date(startsAt.getTime() + 3600_000);
      const results = await outcomes(
        Array.from({ length: CONCURRENT }, (_, i) =>
          createBooking(ctx, { clientId: ctx.client.id, title: `Race ${round}.${i}`, startsAt, endsAt }),
        ),
      );
      expect(tally(results), `round ${round}`).toEqual({
        ok: 1,
        [`OVERLAP: ${messages.slotUnavailable}`]: CONCURRENT - 1,
      });
    }
  });

  it("lets one of many reschedules racing onto a slot win; the rest are told it is taken", async () => {
    const ctx = await owner();
    const slot = { startsAt: new Date("2026-07-01T14:00:00Z"), endsAt: new Date("2026-07-01T15:00:00Z") };
    const movers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        createBooking(ctx, {
          clientId: ctx.client.id,
          title: `Mover ${i}`,
          startsAt: new Date(Date.UTC(2026, 7, 1 + i, 9)),
          endsAt: new Date(Date.UTC(2026, 7, 1 + i, 10)),
        }),
      ),
    );
    const results = await outcomes(movers.map((b) => updateBooking(ctx, { id: b.id, version: b.version, ...slot })));
    expect(tally(results)).toEqual({ ok: 1, [`OVERLAP: ${messages.slotUnavailable}`]: movers.length - 1 });
    expect(await listBookings(ctx, { from: slot.startsAt, to: slot.endsAt })).toHaveLength(1);
  });
});
