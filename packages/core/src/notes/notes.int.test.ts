import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { listActivity } from "../activity/activity";
import { createClient } from "../clients/clients";
import type { DomainError } from "../errors";
import { ManualClock } from "../ports";
import { createTestUser, testDataKeys } from "../testing";
import { createNote, deleteNote, listNotes, updateNote } from "./notes";

const testDb = useTestDatabase();

async function owner() {
  const base = { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z"), dataKeys: testDataKeys };
  const user = await createTestUser(base);
  return { ...base, userId: user.id };
}

describe("notes", () => {
  it("lists newest first, keeps line breaks, edits with version and logs every change", async () => {
    const ctx = await owner();
    const client = await createClient(ctx, { firstName: "Noted" });
    await createNote(ctx, { clientId: client.id, body: "First call\nWants a 6-week package" });
    ctx.clock.advance(60_000);
    const second = await createNote(ctx, { clientId: client.id, body: "Sent proposal" });
    expect((await listNotes(ctx, { clientId: client.id })).map((n) => n.body)).toEqual([
      "Sent proposal",
      "First call\nWants a 6-week package",
    ]);
    const edited = await updateNote(ctx, { id: second.id, version: second.version, body: "Sent proposal v2" });
    expect(edited.version).toBe(2);
    const stale = await updateNote(ctx, { id: second.id, version: 1, body: "x" }).catch((e: DomainError) => e);
    expect(stale).toMatchObject({ code: "STALE_VERSION" });
    await deleteNote(ctx, second.id);
    expect((await listNotes(ctx, { clientId: client.id })).map((n) => n.body)).toEqual([
      "First call\nWants a 6-week package",
    ]);
    const log = await listActivity(ctx, { clientId: client.id, entityType: "note" });
    expect(log.items.map((i) => i.action)).toEqual(["deleted", "updated", "created", "created"]);
    // The log says what happened to a note, never its text (sealed at rest; the log is not).
    expect(log.items.map((i) => i.changes)).toEqual([null, null, null, null]);
  });

  it("refuses an empty note, naming the field", async () => {
    const ctx = await owner();
    const client = await createClient(ctx, { firstName: "Empty" });
    const error = await createNote(ctx, { clientId: client.id, body: "   " }).catch((e: DomainError) => e);
    expect(error).toMatchObject({ code: "VALIDATION", field: "body" });
  });
});
