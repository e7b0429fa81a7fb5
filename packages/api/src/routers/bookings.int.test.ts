import { useRacePool, useTestDatabase } from "@crm/db/testing";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { signedInCaller } from "../signed-in.test-util";

const testDb = useTestDatabase();
const wide = useRacePool(testDb);

async function signedIn() {
  return (await signedInCaller(wide().db)).caller;
}

/** What an HTTP client would see: 200, or the tRPC code and message (INTERNAL_SERVER_ERROR is a 500). */
async function answers(calls: Promise<unknown>[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const s of await Promise.allSettled(calls)) {
    const key =
      s.status === "fulfilled"
        ? "200"
        : s.reason instanceof TRPCError
          ? `${s.reason.code}: ${s.reason.message.split(":")[0]}`
          : `not a TRPCError: ${String(s.reason)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe("bookings.create racing for one slot (through the router)", () => {
  it("answers 1 success and 49 CONFLICT 'Time slot unavailable' in every round", async () => {
    const caller = await signedIn();
    const client = await caller.clients.create({ firstName: "Maya", email: "maya@example.com" });
    // Warm-up traffic first, as on a server that has been running.
    for (let i = 0; i < 12; i++) {
      await caller.bookings.create({
        clientId: client.id,
        title: `Warm-up ${i}`,
        startsAt: new Date(Date.UTC(2026, 3, 1 + i, 9)),
        endsAt: new Date(Date.UTC(2026, 3, 1 + i, 10)),
      });
    }
    for (let round = 0; round < 3; round++) {
      const startsAt = new Date(Date.UTC(2026, 5, 1 + round, 14));
      const endsAt = new Date(startsAt.getTime() + 3600_000);
      const result = await answers(
        Array.from({ length: 50 }, (_, i) =>
          caller.bookings.create({ clientId: client.id, title: `Race ${i}`, startsAt, endsAt }),
        ),
      );
      expect(result, `round ${round}`).toEqual({ "200": 1, "CONFLICT: Time slot unavailable": 49 });
    }
  });
});
