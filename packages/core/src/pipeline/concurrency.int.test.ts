import { schema } from "@crm/db";
import { useRacePool, useTestDatabase } from "@crm/db/testing";
import { and, asc, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createClient } from "../clients/clients";
import { DomainError, pgErrorCode } from "../errors";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import { listStages, moveClient, reorderStages, updateStage } from "./stages";

const testDb = useTestDatabase();
const wide = useRacePool(testDb);

/** "ok", or the domain error's code; anything else would be a 500. */
async function outcomes(calls: Promise<unknown>[]): Promise<string[]> {
  const settled = await Promise.allSettled(calls);
  return settled.map((s) => {
    if (s.status === "fulfilled") return "ok";
    if (s.reason instanceof DomainError) return s.reason.code;
    return `bug: SQLSTATE ${pgErrorCode(s.reason)}: ${String(s.reason).slice(0, 80)}`;
  });
}

describe("pipeline under concurrent writes", () => {
  it("answers every racing move, reorder and rename with success or a conflict, and keeps positions dense", async () => {
    const base = { db: wide().db, clock: new ManualClock("2026-03-01T09:00:00Z") };
    const user = await createTestUser(base);
    const ctx = { ...base, userId: user.id };
    const stages = await listStages(ctx);
    const cards = [];
    for (let i = 0; i < 24; i++) {
      cards.push(await createClient(ctx, { firstName: `Card ${i}`, stageId: stages[i % stages.length]!.id }));
    }

    for (let round = 0; round < 3; round++) {
      const current = await listStages(ctx);
      const fresh = await wide()
        .db.select({ id: schema.clients.id, version: schema.clients.version })
        .from(schema.clients)
        .where(eq(schema.clients.userId, ctx.userId));
      const calls: Promise<unknown>[] = [];
      for (const [i, card] of fresh.entries()) {
        // Two tabs drag the same card at once with the same version: one wins, one is stale.
        for (const tab of [0, 1]) {
          const stage = current[(i + tab + round) % current.length]!;
          calls.push(moveClient(ctx, { clientId: card.id, version: card.version, stageId: stage.id, index: i % 3 }));
        }
      }
      for (let r = 0; r < 6; r++) {
        const order = current.map((s) => s.id);
        calls.push(reorderStages(ctx, { stageIds: r % 2 ? order.reverse() : order }));
      }
      for (const stage of current) {
        calls.push(
          updateStage(ctx, { id: stage.id, version: stage.version, name: `${stage.name.split(" #")[0]} #${round}` }),
        );
      }
      const results = await outcomes(calls);
      expect(
        results.filter((r) => r !== "ok" && r !== "STALE_VERSION"),
        `round ${round}`,
      ).toEqual([]);
      expect(results.filter((r) => r === "ok").length).toBeGreaterThanOrEqual(fresh.length);
    }

    for (const stage of await listStages(ctx)) {
      const rows = await wide()
        .db.select({ position: schema.clients.position })
        .from(schema.clients)
        .where(
          and(
            eq(schema.clients.userId, ctx.userId),
            eq(schema.clients.stageId, stage.id),
            isNull(schema.clients.deletedAt),
          ),
        )
        .orderBy(asc(schema.clients.position));
      expect(rows.map((r) => r.position)).toEqual(rows.map((_, i) => i));
    }
  });
});
