import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createBooking, updateBooking } from "../bookings/bookings";
import { calendarFeedIcs, rotateCalendarFeed } from "../bookings/feed";
import { getBooking } from "../bookings/queries";
import { createClient } from "../clients/clients";
import { createNote, listNotes, updateNote } from "../notes/notes";
import { ManualClock } from "../ports";
import { createTestUser, testDataKeys } from "../testing";
import { DataKeyError } from "./data-key";

const { clientNotes, bookings, activityLogs } = schema;
const testDb = useTestDatabase();

async function owner() {
  const base = { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z"), dataKeys: testDataKeys };
  const user = await createTestUser(base);
  const ctx = { ...base, userId: user.id };
  const client = await createClient(ctx, { firstName: "Sealed", lastName: "Client" });
  return { ...ctx, client };
}

const rawNote = async (id: string) => (await testDb().db.select().from(clientNotes).where(eq(clientNotes.id, id)))[0]!;
const rawBooking = async (id: string) => (await testDb().db.select().from(bookings).where(eq(bookings.id, id)))[0]!;
const activityText = async (userId: string) =>
  JSON.stringify(
    await testDb()
      .db.select({ changes: activityLogs.changes })
      .from(activityLogs)
      .where(eq(activityLogs.userId, userId)),
  );

describe("sealed note bodies", () => {
  it("stores the body sealed (the raw column holds no plaintext), reads it back, and logs no text", async () => {
    const ctx = await owner();
    const note = await createNote(ctx, { clientId: ctx.client.id, body: "Panic attacks since March" });
    expect(note.body).toBe("Panic attacks since March");
    const raw = await rawNote(note.id);
    expect(raw.keyVersion).toBe(1);
    expect(raw.body).toMatch(/^k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(raw.body).not.toContain("Panic");
    await updateNote(ctx, { id: note.id, version: note.version, body: "Sleeping better" });
    const edited = await rawNote(note.id);
    expect(edited.body).not.toContain("Sleeping");
    expect(edited.body).not.toBe(raw.body);
    expect((await listNotes(ctx, { clientId: ctx.client.id })).map((n) => n.body)).toEqual(["Sleeping better"]);
    const log = await activityText(ctx.userId);
    expect(log).not.toContain("Panic");
    expect(log).not.toContain("Sleeping");
  });

  it("still reads a plain-text row written before encryption (null key version)", async () => {
    const ctx = await owner();
    await testDb()
      .db.insert(clientNotes)
      .values({ userId: ctx.userId, clientId: ctx.client.id, body: "Legacy plain note", keyVersion: null });
    const sealed = await createNote(ctx, { clientId: ctx.client.id, body: "New sealed note" });
    expect((await listNotes(ctx, { clientId: ctx.client.id })).map((n) => n.body).sort()).toEqual([
      "Legacy plain note",
      "New sealed note",
    ]);
    expect((await rawNote(sealed.id)).keyVersion).toBe(1);
  });

  it("refuses a tampered body, and one moved to another row or another owner, with a clear error", async () => {
    const ctx = await owner();
    const a = await createNote(ctx, { clientId: ctx.client.id, body: "Note A" });
    const b = await createNote(ctx, { clientId: ctx.client.id, body: "Note B" });
    const sealedA = (await rawNote(a.id)).body;

    // Flip one byte of the ciphertext.
    const parts = sealedA.split(".");
    const body = Buffer.from(parts[2]!, "base64url");
    body[0] = body[0]! ^ 0x01;
    parts[2] = body.toString("base64url");
    await testDb()
      .db.update(clientNotes)
      .set({ body: parts.join(".") })
      .where(eq(clientNotes.id, a.id));
    const tampered = await listNotes(ctx, { clientId: ctx.client.id }).catch((e: unknown) => e);
    expect(tampered).toBeInstanceOf(DataKeyError);
    expect((tampered as Error).message).toBe("The sealed value does not open with this key for this owner");

    // A's intact ciphertext copied onto B's row (same owner, same field): refused, not shown as B.
    await testDb().db.update(clientNotes).set({ body: sealedA }).where(eq(clientNotes.id, b.id));
    await testDb().db.delete(clientNotes).where(eq(clientNotes.id, a.id));
    await expect(listNotes(ctx, { clientId: ctx.client.id })).rejects.toThrow(DataKeyError);

    // Onto another owner's note.
    const other = await owner();
    const theirs = await createNote(other, { clientId: other.client.id, body: "Theirs" });
    await testDb().db.update(clientNotes).set({ body: sealedA }).where(eq(clientNotes.id, theirs.id));
    await expect(listNotes(other, { clientId: other.client.id })).rejects.toThrow(
      "The sealed value does not open with this key for this owner",
    );
  });

  it("refuses a value sealed with a key this process does not have, naming the version", async () => {
    const ctx = await owner();
    const note = await createNote(ctx, { clientId: ctx.client.id, body: "Version one" });
    const rotatedOnly = { ...ctx, dataKeys: { current: { version: 2, key: new Uint8Array(32).fill(3) } } };
    await expect(listNotes(rotatedOnly, { clientId: ctx.client.id })).rejects.toThrow(
      "The value was sealed with data key version 1, which is not loaded",
    );
    expect(note.body).toBe("Version one");
  });

  it("never writes a note in clear when a context has no key", async () => {
    const ctx = await owner();
    const { dataKeys: _none, ...keyless } = ctx;
    await expect(createNote(keyless, { clientId: ctx.client.id, body: "Secret" })).rejects.toThrow(
      /needs the data encryption key/,
    );
    const [row] = await testDb()
      .db.select({ n: sql<number>`count(*)::int` })
      .from(clientNotes)
      .where(eq(clientNotes.userId, ctx.userId));
    expect(row!.n).toBe(0);
  });
});

describe("sealed booking notes", () => {
  it("stores them sealed, opens them for the API and the calendar feed, logs no text, and clears to null", async () => {
    const ctx = await owner();
    const booking = await createBooking(ctx, {
      clientId: ctx.client.id,
      title: "Session",
      startsAt: new Date("2026-03-05T10:00:00Z"),
      endsAt: new Date("2026-03-05T11:00:00Z"),
      notes: "Discuss medication",
    });
    expect(booking.notes).toBe("Discuss medication");
    const raw = await rawBooking(booking.id);
    expect(raw.notesKeyVersion).toBe(1);
    expect(raw.notes).not.toContain("medication");
    expect((await getBooking(ctx, booking.id)).notes).toBe("Discuss medication");

    const { path } = await rotateCalendarFeed(ctx);
    const secret = /\/feeds\/(.+)\.ics$/.exec(path)![1]!;
    const ics = await calendarFeedIcs(ctx, secret);
    expect(ics).toContain("Discuss medication");

    const edited = await updateBooking(ctx, { id: booking.id, version: booking.version, notes: "Changed plan" });
    expect(edited.notes).toBe("Changed plan");
    const cleared = await updateBooking(ctx, { id: booking.id, version: edited.version, notes: null });
    expect(cleared.notes).toBeNull();
    expect(await rawBooking(booking.id)).toMatchObject({ notes: null, notesKeyVersion: null });

    const log = await activityText(ctx.userId);
    expect(log).not.toContain("medication");
    expect(log).not.toContain("Changed plan");
    const [updated] = await testDb()
      .db.select({ changes: activityLogs.changes })
      .from(activityLogs)
      .where(sql`${activityLogs.entityId} = ${booking.id} and ${activityLogs.action} = 'updated'`)
      .limit(1);
    expect(updated!.changes).toEqual({ notes: { before: null, after: null } });
  });

  it("reads plain legacy booking notes, and refuses notes moved from a note body (another field)", async () => {
    const ctx = await owner();
    const booking = await createBooking(ctx, {
      clientId: ctx.client.id,
      title: "Old",
      startsAt: new Date("2026-03-06T10:00:00Z"),
      endsAt: new Date("2026-03-06T11:00:00Z"),
    });
    await testDb()
      .db.update(bookings)
      .set({ notes: "Legacy booking note", notesKeyVersion: null })
      .where(eq(bookings.id, booking.id));
    expect((await getBooking(ctx, booking.id)).notes).toBe("Legacy booking note");

    // A note body sealed for the same row id and owner but another field does not open as booking notes.
    const note = await createNote(ctx, { clientId: ctx.client.id, body: "Note text" });
    const sealed = (await rawNote(note.id)).body;
    await testDb()
      .db.update(bookings)
      .set({ id: sql`${note.id}::uuid`, notes: sealed, notesKeyVersion: 1 } as never)
      .where(eq(bookings.id, booking.id));
    await expect(getBooking(ctx, note.id)).rejects.toThrow(DataKeyError);
  });
});
