import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listActivity } from "../activity/activity";
import { createClient, deleteClient, getClient, updateClient } from "../clients/clients";
import { DomainError } from "../errors";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import {
  boardRevision,
  createStage,
  deleteStage,
  getBoard,
  listStages,
  moveClient,
  reorderStages,
  updateStage,
} from "./stages";

const testDb = useTestDatabase();

async function owner() {
  const base = { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z") };
  const user = await createTestUser(base);
  return { ...base, userId: user.id };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function column(ctx: Awaited<ReturnType<typeof owner>>, stageId: string) {
  const rows = await ctx.db
    .select({ name: schema.clients.firstName, position: schema.clients.position })
    .from(schema.clients)
    .where(
      and(eq(schema.clients.userId, ctx.userId), eq(schema.clients.stageId, stageId), isNull(schema.clients.deletedAt)),
    );
  return rows.sort((a, b) => a.position! - b.position!);
}

describe("pipeline stages", () => {
  it("starts every account with the default stages", async () => {
    const ctx = await owner();
    expect((await listStages(ctx)).map((s) => s.name)).toEqual(["Lead", "Contacted", "Proposal sent", "Won", "Lost"]);
  });

  it("adds, renames, recolors (with version) and reorders stages", async () => {
    const ctx = await owner();
    const added = await createStage(ctx, { name: "Nurture", color: "#FF0000" });
    expect(added).toMatchObject({ position: 5, color: "#ff0000" });
    const renamed = await updateStage(ctx, { id: added.id, version: added.version, name: "Nurturing" });
    expect(await failure(updateStage(ctx, { id: added.id, version: added.version, name: "x" }))).toMatchObject({
      code: "STALE_VERSION",
    });
    expect(renamed.name).toBe("Nurturing");
    const stages = await listStages(ctx);
    const reversed = [...stages].reverse().map((s) => s.id);
    expect((await reorderStages(ctx, { stageIds: reversed })).map((s) => s.id)).toEqual(reversed);
    expect(await failure(reorderStages(ctx, { stageIds: reversed.slice(1) }))).toMatchObject({ field: "stageIds" });
    expect(await failure(updateStage(ctx, { id: added.id, version: renamed.version, color: "red" }))).toMatchObject({
      code: "VALIDATION",
      field: "color",
    });
  });

  it("asks where the clients of a non-empty stage go, then moves them there", async () => {
    const ctx = await owner();
    const [lead, contacted] = await listStages(ctx);
    await createClient(ctx, { firstName: "Kept", stageId: contacted!.id });
    const a = await createClient(ctx, { firstName: "A", stageId: lead!.id });
    await createClient(ctx, { firstName: "B", stageId: lead!.id });
    const trashed = await createClient(ctx, { firstName: "T", stageId: lead!.id });
    await deleteClient(ctx, trashed.id);
    const refused = await failure(deleteStage(ctx, { id: lead!.id }));
    expect(refused).toMatchObject({ code: "VALIDATION", field: "moveToStageId", details: { clientCount: 2 } });
    expect(await deleteStage(ctx, { id: lead!.id, moveToStageId: contacted!.id })).toEqual({ id: lead!.id, moved: 2 });
    expect((await column(ctx, contacted!.id)).map((r) => `${r.name}${r.position}`)).toEqual(["Kept0", "A1", "B2"]);
    expect((await getClient(ctx, a.id)).stageId).toBe(contacted!.id);
    expect((await listStages(ctx)).map((s) => [s.name, s.position])).toEqual([
      ["Contacted", 0],
      ["Proposal sent", 1],
      ["Won", 2],
      ["Lost", 3],
    ]);
  });

  it("deletes an empty stage without asking, but never the last one", async () => {
    const ctx = await owner();
    const stages = await listStages(ctx);
    for (const stage of stages.slice(1)) await deleteStage(ctx, { id: stage.id });
    expect(await failure(deleteStage(ctx, { id: stages[0]!.id }))).toMatchObject({ code: "VALIDATION" });
  });
});

describe("moving cards", () => {
  it("moves a card between stages and within one, logging the stage change", async () => {
    const ctx = await owner();
    const [lead, contacted] = await listStages(ctx);
    const a = await createClient(ctx, { firstName: "A" });
    const b = await createClient(ctx, { firstName: "B" });
    const c = await createClient(ctx, { firstName: "C" });
    const moved = await moveClient(ctx, { clientId: b.id, stageId: contacted!.id, index: 0, version: b.version });
    expect(moved).toMatchObject({ stageId: contacted!.id, position: 0, version: b.version + 1 });
    expect((await column(ctx, lead!.id)).map((r) => `${r.name}${r.position}`)).toEqual(["A0", "C1"]);
    await moveClient(ctx, { clientId: c.id, stageId: lead!.id, index: 0, version: c.version });
    expect((await column(ctx, lead!.id)).map((r) => `${r.name}${r.position}`)).toEqual(["C0", "A1"]);
    // An index past the end puts the card last.
    await moveClient(ctx, { clientId: a.id, stageId: contacted!.id, index: 99, version: a.version });
    expect((await column(ctx, contacted!.id)).map((r) => `${r.name}${r.position}`)).toEqual(["B0", "A1"]);
    const log = await listActivity(ctx, { entityType: "client", entityId: b.id });
    expect(log.items[0]).toMatchObject({
      action: "stage_moved",
      changes: { stageId: { before: lead!.id, after: contacted!.id } },
    });
  });

  it("refuses a stale version or a deleted client, changing nothing", async () => {
    const ctx = await owner();
    const [, contacted] = await listStages(ctx);
    const a = await createClient(ctx, { firstName: "A" });
    const edited = await updateClient(ctx, { id: a.id, version: a.version, company: "Edited elsewhere" });
    expect(
      await failure(moveClient(ctx, { clientId: a.id, stageId: contacted!.id, index: 0, version: a.version })),
    ).toMatchObject({
      code: "STALE_VERSION",
    });
    await deleteClient(ctx, a.id);
    expect(
      await failure(moveClient(ctx, { clientId: a.id, stageId: contacted!.id, index: 0, version: edited.version + 1 })),
    ).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("keeps positions unique and loses no card under 20 concurrent moves", async () => {
    const ctx = await owner();
    const stages = await listStages(ctx);
    const cards = [];
    for (let i = 0; i < 20; i++)
      cards.push(await createClient(ctx, { firstName: `Card${i}`, stageId: stages[i % 3]!.id }));
    const results = await Promise.allSettled(
      cards.map((card, i) =>
        moveClient(ctx, { clientId: card.id, stageId: stages[(i + 1) % 3]!.id, index: i % 4, version: card.version }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const board = await getBoard(ctx);
    const all = board.stages.flatMap((s) => s.clients.map((c) => c.id));
    expect(all.sort()).toEqual(cards.map((c) => c.id).sort());
    for (const stage of board.stages) {
      expect(stage.clients.map((c) => c.position)).toEqual(stage.clients.map((_, i) => i));
      expect(stage.count).toBe(stage.clients.length);
    }
  });

  it("changes the board revision when another tab moves a card", async () => {
    const ctx = await owner();
    const [, contacted] = await listStages(ctx);
    const a = await createClient(ctx, { firstName: "A" });
    const before = await boardRevision(ctx);
    expect(await boardRevision(ctx)).toBe(before);
    await moveClient(ctx, { clientId: a.id, stageId: contacted!.id, index: 0, version: a.version });
    expect(await boardRevision(ctx)).not.toBe(before);
  });
});
