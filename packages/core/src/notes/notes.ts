import { randomUUID } from "node:crypto";
import { schema } from "@crm/db";
import { messages, noteCreateInput, noteListInput, noteUpdateInput } from "@crm/shared";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import { recordActivity } from "../activity/activity";
import type { AuthedContext } from "../context";
import { openNoteBody, sealNoteBody } from "../crypto/sensitive";
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
  keyVersion: clientNotes.keyVersion,
  version: clientNotes.version,
  createdAt: clientNotes.createdAt,
  updatedAt: clientNotes.updatedAt,
};

type NoteRow = NoteView & { keyVersion: number | null };

/** The stored row as the user sees it: the body opened (sealed at rest; null key version: plain). */
function toView(ctx: AuthedContext, { keyVersion, ...row }: NoteRow): NoteView {
  return { ...row, body: openNoteBody(ctx, ctx.userId, { id: row.id, body: row.body, keyVersion }) };
}

/*
 * Note activity entries record that a note was added, edited or deleted, never its text: the body is
 * sealed at rest, and a copy in the activity log (kept a year, in clear jsonb) would undo that.
 */

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
  const rows = await ctx.db
    .select(noteColumns)
    .from(clientNotes)
    .where(and(eq(clientNotes.userId, ctx.userId), eq(clientNotes.clientId, input.clientId)))
    .orderBy(desc(clientNotes.createdAt), desc(clientNotes.id));
  return rows.map((row) => toView(ctx, row));
}

export async function createNote(ctx: AuthedContext, rawInput: z.input<typeof noteCreateInput>): Promise<NoteView> {
  const input = parseInput(noteCreateInput, rawInput);
  return inTransaction(ctx, async (tx) => {
    await assertLiveClient(tx, input.clientId);
    const now = ctx.clock.now();
    // The id is made here: the sealed body is bound to it.
    const id = randomUUID();
    const [row] = await tx.db
      .insert(clientNotes)
      .values({
        id,
        userId: ctx.userId,
        clientId: input.clientId,
        ...sealNoteBody(ctx, ctx.userId, id, input.body),
        createdAt: now,
        updatedAt: now,
      })
      .returning(noteColumns);
    await recordActivity(tx, { entityType: "note", entityId: id, clientId: input.clientId, action: "created" });
    return { ...toView(ctx, row!), body: input.body };
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
  return toView(ctx, row);
}

export async function updateNote(ctx: AuthedContext, rawInput: z.input<typeof noteUpdateInput>): Promise<NoteView> {
  const input = parseInput(noteUpdateInput, rawInput);
  return inTransaction(ctx, async (tx) => {
    const current = await lockNote(tx, input.id);
    if (current.version !== input.version) throw new DomainError("STALE_VERSION", messages.staleVersion);
    const [row] = await tx.db
      .update(clientNotes)
      .set({
        ...sealNoteBody(ctx, ctx.userId, current.id, input.body),
        version: current.version + 1,
        updatedAt: ctx.clock.now(),
      })
      .where(eq(clientNotes.id, input.id))
      .returning(noteColumns);
    if (input.body !== current.body) {
      await recordActivity(tx, {
        entityType: "note",
        entityId: current.id,
        clientId: current.clientId,
        action: "updated",
      });
    }
    return { ...toView(ctx, row!), body: input.body };
  });
}

export async function deleteNote(ctx: AuthedContext, id: string): Promise<{ id: string }> {
  return inTransaction(ctx, async (tx) => {
    const current = await lockNote(tx, id);
    await tx.db.delete(clientNotes).where(eq(clientNotes.id, id));
    await recordActivity(tx, { entityType: "note", entityId: id, clientId: current.clientId, action: "deleted" });
    return { id };
  });
}
