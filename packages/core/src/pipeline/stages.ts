import { schema } from "@crm/db";
import {
  clientDisplayName,
  DEFAULT_STAGES,
  messages,
  moveClientInput,
  stageCreateInput,
  stageDeleteInput,
  stageReorderInput,
  stageUpdateInput,
} from "@crm/shared";
import { and, asc, count, eq, inArray, isNotNull, isNull, max, sql } from "drizzle-orm";
import type { z } from "zod";
import { recordActivity } from "../activity/activity";
import type { AuthedContext, CoreContext } from "../context";
import { DomainError } from "../errors";
import { pgArray } from "../sql";
import { inRetryingTransaction, lockOwnerScope } from "../transaction";
import { parseInput } from "../validation";

const { pipelineStages, clients } = schema;

export interface StageView {
  id: string;
  name: string;
  color: string;
  position: number;
  version: number;
}

export interface BoardCard {
  id: string;
  name: string;
  company: string | null;
  email: string | null;
  phone: string | null;
  status: "active" | "inactive" | "archived";
  tags: string[];
  position: number;
  version: number;
}

const toStageView = (s: typeof pipelineStages.$inferSelect): StageView => ({
  id: s.id,
  name: s.name,
  color: s.color,
  position: s.position,
  version: s.version,
});

/** The stages every new account starts with. */
export async function createDefaultStages(ctx: CoreContext, userId: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.insert(pipelineStages).values(
    DEFAULT_STAGES.map((s, position) => ({
      userId,
      name: s.name,
      color: s.color,
      position,
      createdAt: now,
      updatedAt: now,
    })),
  );
}

export async function listStages(ctx: AuthedContext): Promise<StageView[]> {
  const rows = await ctx.db
    .select()
    .from(pipelineStages)
    .where(eq(pipelineStages.userId, ctx.userId))
    .orderBy(asc(pipelineStages.position));
  return rows.map(toStageView);
}

/**
 * Serialises every change to the shape of one user's pipeline (card positions, stages). Taken
 * first in the transaction, before any row lock, so writers queue instead of deadlocking.
 */
export function lockPipeline(ctx: AuthedContext): Promise<void> {
  return lockOwnerScope(ctx, "pipeline");
}

/** Which of these stage ids exist for the owner. */
export async function existingStages(ctx: AuthedContext, stageIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(stageIds)];
  if (ids.length === 0) return new Set();
  const rows = await ctx.db
    .select({ id: pipelineStages.id })
    .from(pipelineStages)
    .where(and(eq(pipelineStages.userId, ctx.userId), inArray(pipelineStages.id, ids)));
  return new Set(rows.map((r) => r.id));
}

/** Next free position at the end of a stage (call holding lockPipeline). */
export async function nextPositionIn(ctx: AuthedContext, stageId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ max: max(clients.position) })
    .from(clients)
    .where(and(eq(clients.userId, ctx.userId), eq(clients.stageId, stageId), isNull(clients.deletedAt)));
  return row?.max === null || row?.max === undefined ? 0 : row.max + 1;
}

/** Renumbers a stage's cards 0..n-1 in the given order, touching only the rows that move. */
async function writePositions(ctx: AuthedContext, orderedIds: string[]): Promise<void> {
  if (orderedIds.length === 0) return;
  const positions = orderedIds.map((_, i) => i);
  await ctx.db.execute(sql`
    update clients c set position = v.position
    from (select unnest(${pgArray(orderedIds)}::uuid[]) as id, unnest(${pgArray(positions)}::int[]) as position) v
    where c.id = v.id and c.user_id = ${ctx.userId} and c.position is distinct from v.position`);
}

async function cardIdsIn(ctx: AuthedContext, stageId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.userId, ctx.userId), eq(clients.stageId, stageId), isNull(clients.deletedAt)))
    .orderBy(asc(clients.position), asc(clients.id));
  return rows.map((r) => r.id);
}

/** Closes the gap a card left behind (caller holds lockPipeline). */
export async function compactStage(ctx: AuthedContext, stageId: string): Promise<void> {
  await writePositions(ctx, await cardIdsIn(ctx, stageId));
}

const BOARD_CARDS_PER_STAGE = 500;

export async function getBoard(ctx: AuthedContext) {
  const stages = await listStages(ctx);
  const cards = await ctx.db
    .select({
      id: clients.id,
      firstName: clients.firstName,
      lastName: clients.lastName,
      email: clients.email,
      phone: clients.phone,
      company: clients.company,
      status: clients.status,
      tags: clients.tags,
      stageId: clients.stageId,
      position: clients.position,
      version: clients.version,
    })
    .from(clients)
    .where(and(eq(clients.userId, ctx.userId), isNull(clients.deletedAt), isNotNull(clients.stageId)))
    .orderBy(asc(clients.position));
  const byStage = new Map<string, BoardCard[]>(stages.map((s) => [s.id, []]));
  for (const c of cards) {
    byStage.get(c.stageId!)?.push({
      id: c.id,
      name: clientDisplayName(c),
      company: c.company,
      email: c.email,
      phone: c.phone,
      status: c.status,
      tags: c.tags,
      position: c.position ?? 0,
      version: c.version,
    });
  }
  return {
    stages: stages.map((s) => {
      const all = byStage.get(s.id) ?? [];
      return { ...s, count: all.length, clients: all.slice(0, BOARD_CARDS_PER_STAGE) };
    }),
    revision: await boardRevision(ctx),
  };
}

/** Changes whenever any card or stage changes: tabs poll it to say "the board changed". */
export async function boardRevision(ctx: AuthedContext): Promise<string> {
  const [row] = await ctx.db.execute<{ revision: string }>(sql`
    select concat_ws(':',
      (select count(*) || '.' || coalesce(sum(version), 0) || '.' || coalesce(sum(position), 0) || '.' || coalesce(max(extract(epoch from updated_at)), 0)
         from clients where user_id = ${ctx.userId} and deleted_at is null and stage_id is not null),
      (select count(*) || '.' || coalesce(sum(version), 0) || '.' || coalesce(sum(position), 0)
         from pipeline_stages where user_id = ${ctx.userId})) as revision`);
  return row?.revision ?? "";
}

export async function createStage(ctx: AuthedContext, rawInput: z.input<typeof stageCreateInput>): Promise<StageView> {
  const input = parseInput(stageCreateInput, rawInput);
  return inRetryingTransaction(ctx, async (tx) => {
    // Serialise stage creation per user, so two new stages never take the same position.
    await lockPipeline(tx);
    const [last] = await tx.db
      .select({ max: max(pipelineStages.position) })
      .from(pipelineStages)
      .where(eq(pipelineStages.userId, ctx.userId));
    const now = ctx.clock.now();
    const [row] = await tx.db
      .insert(pipelineStages)
      .values({
        userId: ctx.userId,
        name: input.name,
        color: input.color ?? "#6366f1",
        position: (last?.max ?? -1) + 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordActivity(tx, {
      entityType: "stage",
      entityId: row!.id,
      action: "created",
      changes: { name: { before: null, after: row!.name } },
    });
    return toStageView(row!);
  });
}

export async function updateStage(ctx: AuthedContext, rawInput: z.input<typeof stageUpdateInput>): Promise<StageView> {
  const input = parseInput(stageUpdateInput, rawInput);
  return inRetryingTransaction(ctx, async (tx) => {
    const [current] = await tx.db
      .select()
      .from(pipelineStages)
      .where(and(eq(pipelineStages.id, input.id), eq(pipelineStages.userId, ctx.userId)))
      .for("update");
    if (!current) throw new DomainError("NOT_FOUND", "Stage not found");
    if (current.version !== input.version) throw new DomainError("STALE_VERSION", messages.staleVersion);
    const [row] = await tx.db
      .update(pipelineStages)
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.color !== undefined && { color: input.color }),
        version: current.version + 1,
        updatedAt: ctx.clock.now(),
      })
      .where(eq(pipelineStages.id, input.id))
      .returning();
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    if (row!.name !== current.name) changes.name = { before: current.name, after: row!.name };
    if (row!.color !== current.color) changes.color = { before: current.color, after: row!.color };
    if (Object.keys(changes).length)
      await recordActivity(tx, { entityType: "stage", entityId: row!.id, action: "updated", changes });
    return toStageView(row!);
  });
}

export async function reorderStages(
  ctx: AuthedContext,
  rawInput: z.input<typeof stageReorderInput>,
): Promise<StageView[]> {
  const input = parseInput(stageReorderInput, rawInput);
  return inRetryingTransaction(ctx, async (tx) => {
    await lockPipeline(tx);
    const existing = await listStages(tx);
    const known = new Set(existing.map((s) => s.id));
    if (
      new Set(input.stageIds).size !== input.stageIds.length ||
      input.stageIds.length !== known.size ||
      input.stageIds.some((id) => !known.has(id))
    ) {
      throw new DomainError("VALIDATION", "List every stage exactly once to reorder them", { field: "stageIds" });
    }
    const positions = input.stageIds.map((_, i) => i);
    await tx.db.execute(sql`
      update pipeline_stages s set position = v.position, updated_at = ${ctx.clock.now().toISOString()}::timestamptz
      from (select unnest(${pgArray(input.stageIds)}::uuid[]) as id, unnest(${pgArray(positions)}::int[]) as position) v
      where s.id = v.id and s.user_id = ${ctx.userId} and s.position <> v.position`);
    return listStages(tx);
  });
}

export async function deleteStage(
  ctx: AuthedContext,
  rawInput: z.input<typeof stageDeleteInput>,
): Promise<{ id: string; moved: number }> {
  const input = parseInput(stageDeleteInput, rawInput);
  return inRetryingTransaction(ctx, async (tx) => {
    await lockPipeline(tx);
    const stages = await listStages(tx);
    const stage = stages.find((s) => s.id === input.id);
    if (!stage) throw new DomainError("NOT_FOUND", "Stage not found");
    if (stages.length === 1)
      throw new DomainError("VALIDATION", "Keep at least one stage in the pipeline", { field: "id" });
    const found = await existingStages(tx, [input.id, ...(input.moveToStageId ? [input.moveToStageId] : [])]);
    const [live] = await tx.db
      .select({ n: count() })
      .from(clients)
      .where(and(eq(clients.userId, ctx.userId), eq(clients.stageId, input.id), isNull(clients.deletedAt)));
    const liveCount = live?.n ?? 0;
    let target: string | null = null;
    if (input.moveToStageId) {
      if (input.moveToStageId === input.id || !found.has(input.moveToStageId)) {
        throw new DomainError("VALIDATION", "Choose another existing stage for its clients", {
          field: "moveToStageId",
        });
      }
      target = input.moveToStageId;
    } else if (liveCount > 0) {
      throw new DomainError("VALIDATION", `This stage has ${liveCount} client(s): choose a stage to move them to`, {
        field: "moveToStageId",
        details: { clientCount: liveCount },
      });
    }
    if (target && liveCount > 0) {
      const moving = await cardIdsIn(tx, input.id);
      const kept = await cardIdsIn(tx, target);
      await tx.db
        .update(clients)
        .set({ stageId: target, position: null })
        .where(and(eq(clients.userId, ctx.userId), inArray(clients.id, moving)));
      await writePositions(tx, [...kept, ...moving]);
    }
    // Trashed clients remember their stage for a restore; they go to the target (or none).
    await tx.db
      .update(clients)
      .set({ stageId: target })
      .where(and(eq(clients.userId, ctx.userId), eq(clients.stageId, input.id)));
    await tx.db.delete(pipelineStages).where(eq(pipelineStages.id, input.id));
    const remaining = stages.filter((s) => s.id !== input.id).map((s) => s.id);
    const positions = remaining.map((_, i) => i);
    await tx.db.execute(sql`
      update pipeline_stages s set position = v.position
      from (select unnest(${pgArray(remaining)}::uuid[]) as id, unnest(${pgArray(positions)}::int[]) as position) v
      where s.id = v.id and s.user_id = ${ctx.userId} and s.position <> v.position`);
    await recordActivity(tx, {
      entityType: "stage",
      entityId: input.id,
      action: "deleted",
      changes: {
        name: { before: stage.name, after: null },
        ...(target ? { movedTo: { before: null, after: target } } : {}),
      },
    });
    return { id: input.id, moved: liveCount };
  });
}

/**
 * Moves a card to `index` in a stage (the same or another). Both stages are renumbered
 * 0..n-1 and checked by the deferred unique constraint at commit, so concurrent moves never leave
 * two cards on one position or lose one.
 */
export async function moveClient(ctx: AuthedContext, rawInput: z.input<typeof moveClientInput>) {
  const input = parseInput(moveClientInput, rawInput);
  return inRetryingTransaction(ctx, async (tx) => {
    await lockPipeline(tx);
    const [current] = await tx.db
      .select()
      .from(clients)
      .where(and(eq(clients.id, input.clientId), eq(clients.userId, ctx.userId), isNull(clients.deletedAt)))
      .for("update");
    if (!current) throw new DomainError("NOT_FOUND", "Client not found");
    if (current.version !== input.version) throw new DomainError("STALE_VERSION", messages.staleVersion);
    const found = await existingStages(tx, [input.stageId]);
    if (!found.has(input.stageId)) throw new DomainError("NOT_FOUND", "Stage not found", { field: "stageId" });

    const target = (await cardIdsIn(tx, input.stageId)).filter((id) => id !== current.id);
    const index = Math.min(input.index, target.length);
    target.splice(index, 0, current.id);
    const now = ctx.clock.now();
    const [moved] = await tx.db
      .update(clients)
      .set({ stageId: input.stageId, position: null, version: current.version + 1, updatedAt: now })
      .where(eq(clients.id, current.id))
      .returning({ id: clients.id, version: clients.version, stageId: clients.stageId });
    await writePositions(tx, target);
    if (current.stageId && current.stageId !== input.stageId) await compactStage(tx, current.stageId);
    if (current.stageId !== input.stageId) {
      await recordActivity(tx, {
        entityType: "client",
        entityId: current.id,
        clientId: current.id,
        action: "stage_moved",
        changes: { stageId: { before: current.stageId, after: input.stageId } },
      });
    }
    return { id: moved!.id, version: moved!.version, stageId: moved!.stageId, position: index };
  });
}
