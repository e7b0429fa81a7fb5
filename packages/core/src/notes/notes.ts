import { schema } from "@crm/db";
import { messages, noteCreateInput, noteListInput, noteUpdateInput } from "@crm/shared";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import { recordActivity } from "../activity/activity";
import type { AuthedContext } from "../context";
import { DomainError } from "../errors";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";

const { clientNotes, clients } = schema;

export interface NoteView {
  id: string;
  clientId: string;
  body: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const noteColumns = {
  id: clientNotes.id,
  clientId: clientNotes.clientId,
  body: clientNotes.body,
  version: clientNotes.version,
  createdAt: clientNotes.createdAt,
  updatedAt: clientNotes.updatedAt,
};

const preview = (body: string) => (body.length > 200 ? `${body.slice(0, 200)}…` : body);

/** Notes live and die with their client: a client in Trash shows none and takes none. */
async function assertLiveClient(ctx: AuthedContext, clientId: string) {
  const [row] = await ctx.db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.id, clientId), eq(clients.userId, ctx.userId), isNull(clients.deletedAt)));
  if (!row) throw new DomainError("NOT_FOUND", "Client not found", { field: "clientId" });
}

/** Newest first. */
export async function listNotes(ctx: AuthedContext, rawInput: z.input<typeof noteListInput>): Promise<NoteView[]> {
  const input = parseInput(noteListInput, rawInput);
  await assertLiveClient(ctx, input.clientId);
  return ctx.db
    .select(noteColumns)
    .from(clientNotes)
    .where(and(eq(clientNotes.userId, ctx.userId), eq(clientNotes.clientId, input.clientId)))
    .orderBy(desc(clientNotes.createdAt), desc(clientNotes.id));
}

export async function createNote(ctx: AuthedContext, rawInput: z.input<typeof noteCreateInput>): Promise<NoteView> {
  const input = parseInput(noteCreateInput, rawInput);
  return inTransaction(ctx, async (tx) => {
    await assertLiveClient(tx, input.clientId);
    const now = ctx.clock.now();
    const [row] = await tx.db
      .insert(clientNotes)
      .values({ userId: ctx.userId, clientId: input.clientId, body: input.body, createdAt: now, updatedAt: now })
      .returning(noteColumns);
    await recordActivity(tx, {
      entityType: "note",
      entityId: row!.id,
      clientId: input.clientId,
      action: "created",
      changes: { body: { before: null, after: preview(row!.body) } },
    });
    return row!;
  });
}

async function lockNote(ctx: AuthedContext, id: string) {
  const [row] = await ctx.db
    .select(noteColumns)
    .from(clientNotes)
    .innerJoin(clients, eq(clients.id, clientNotes.clientId))
    .where(and(eq(clientNotes.id, id), eq(clientNotes.userId, ctx.userId), isNull(clients.deletedAt)))
    .for("update", { of: clientNotes });
  if (!row) throw new DomainError("NOT_FOUND", "Note not found");
  return row;
}

export async function updateNote(ctx: AuthedContext, rawInput: z.input<typeof noteUpdateInput>): Promise<NoteView> {
  const input = parseInput(noteUpdateInput, rawInput);
  return inTransaction(ctx, async (tx) => {
    const current = await lockNote(tx, input.id);
    if (current.version !== input.version) throw new DomainError("STALE_VERSION", messages.staleVersion);
    const [row] = await tx.db
      .update(clientNotes)
      .set({ body: input.body, version: current.version + 1, updatedAt: ctx.clock.now() })
      .where(eq(clientNotes.id, input.id))
      .returning(noteColumns);
    if (row!.body !== current.body) {
      await recordActivity(tx, {
        entityType: "note",
        entityId: row!.id,
        clientId: row!.clientId,
        action: "updated",
        changes: { body: { before: preview(current.body), after: preview(row!.body) } },
      });
    }
    return row!;
  });
}

export async function deleteNote(ctx: AuthedContext, id: string): Promise<{ id: string }> {
  return inTransaction(ctx, async (tx) => {
    const current = await lockNote(tx, id);
    await tx.db.delete(clientNotes).where(eq(clientNotes.id, id));
    await recordActivity(tx, {
      entityType: "note",
      entityId: id,
      clientId: current.clientId,
      action: "deleted",
      changes: { body: { before: preview(current.body), after: null } },
    });
    return { id };
  });
}
