import { schema } from "@crm/db";
import { useRacePool, useTestDatabase } from "@crm/db/testing";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createBooking } from "../bookings/bookings";
import { getBooking } from "../bookings/queries";
import { createClient } from "../clients/clients";
import { createNote, listNotes, type NoteView, updateNote } from "../notes/notes";
import { ManualClock } from "../ports";
import { createTestUser, testDataKeys } from "../testing";
import { type DataKeyring, openData, sealData } from "./data-key";
import { checkDataKeyFingerprint } from "./fingerprint";
import { resolveDataKeys } from "./resolve-keys";
import { type RotationProgress, rotateSealedData } from "./rotate";

const { clientNotes, bookings, users, activityLogs, encryptionKeys } = schema;
const testDb = useTestDatabase();
const wide = useRacePool(testDb, 4);

const v1 = testDataKeys.current;
const v2 = { version: 2, key: new Uint8Array(32).fill(4) };
/** A process restarted with the new key (the old one kept to open what it sealed). */
const rotated: DataKeyring = { current: v2, older: [v1] };
const base64 = (key: Uint8Array) => Buffer.from(key).toString("base64");
const clock = new ManualClock("2026-03-01T09:00:00Z");

async function owner(dataKeys: DataKeyring = testDataKeys) {
  const base = { db: testDb().db, clock, dataKeys };
  const user = await createTestUser(base);
  const ctx = { ...base, userId: user.id };
  const client = await createClient(ctx, { firstName: "Rotated" });
  return { ...ctx, client };
}

const versions = async () =>
  (
    await testDb()
      .db.select({ v: clientNotes.keyVersion, n: sql<number>`count(*)::int` })
      .from(clientNotes)
      .groupBy(clientNotes.keyVersion)
  ).map((r) => [r.v, r.n]);

/** Waits until some session of the database waits for a row lock (the rotation's write). */
async function untilBlockedOnLock() {
  for (let i = 0; i < 200; i++) {
    const [row] = await testDb().db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if ((row?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the rotation never waited for the locked row");
}

describe("key rotation", () => {
  it("re-seals while readers keep working, keeps an edit made meanwhile, then retires the old key", async () => {
    const ctx = await owner();
    const bodies = Array.from({ length: 7 }, (_, i) => `Session note ${i}`);
    const notes: NoteView[] = [];
    for (const body of bodies) notes.push(await createNote(ctx, { clientId: ctx.client.id, body }));
    // Written before encryption: plain, with its old activity entry that quoted the text.
    await testDb()
      .db.insert(clientNotes)
      .values({ userId: ctx.userId, clientId: ctx.client.id, body: "Plain legacy", keyVersion: null });
    await testDb()
      .db.insert(activityLogs)
      .values({
        userId: ctx.userId,
        entityType: "note",
        entityId: notes[0]!.id,
        clientId: ctx.client.id,
        action: "created",
        changes: { body: { before: null, after: "Plain legacy" } },
        createdAt: clock.now(),
      });
    const booking = await createBooking(ctx, {
      clientId: ctx.client.id,
      title: "Session",
      startsAt: new Date("2026-03-05T10:00:00Z"),
      endsAt: new Date("2026-03-05T11:00:00Z"),
      notes: "Booking note",
    });
    const secret = sealData(testDataKeys, "JBSWY3DPEHPK3PXP", ctx.userId);
    await testDb().db.update(users).set({ twoFactorSecret: secret }).where(eq(users.id, ctx.userId));
    await checkDataKeyFingerprint(ctx, v1);
    await checkDataKeyFingerprint(ctx, v2);
    const log = () => {};
    // Before the rotation, a process without the old key refuses to start: values still need it.
    await expect(
      resolveDataKeys({ configuredKey: `2:${base64(v2.key)}`, dataDir: "/nonexistent" }, testDb().db, log),
    ).rejects.toThrow(/key version 1 may exist .* DATA_ENCRYPTION_PREVIOUS_KEYS/);

    const oldProcess = { ...ctx, dataKeys: testDataKeys };
    const newProcess = { ...ctx, dataKeys: rotated };
    const expected = [...bodies, "Plain legacy"].sort();
    const progress: RotationProgress[] = [];

    // A user edits notes[3] in a transaction that holds its row lock while the rotation reaches it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const edit = wide().db.transaction(async (tx) => {
      const current = notes[3]!;
      await updateNote(
        { ...oldProcess, db: tx },
        { id: current.id, version: current.version, body: "Edited meanwhile" },
      );
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const rotation = rotateSealedData(
      { db: wide().db, clock, dataKeys: rotated },
      {
        batchSize: 2,
        onProgress: (p) => {
          progress.push(p);
        },
      },
    );
    await untilBlockedOnLock();
    try {
      // Mid-rotation (values at version 1, some perhaps at 2 or plain) a reader with both keys sees every note.
      const mid = (await listNotes(newProcess, { clientId: ctx.client.id })).map((n) => n.body).sort();
      expect(mid).toEqual(expected);
      // The locked row at least is still at version 1 (its batch waits for the lock, uncommitted).
      expect((await versions()).map(([v]) => v)).toContain(1);
    } finally {
      release();
    }
    await edit;
    const result = await rotation;

    // The edit landed between the rotation's read and its write: that write was skipped, not applied.
    expect(progress.reduce((n, p) => n + p.changedMeanwhile, 0)).toBe(1);
    expect(result).toMatchObject({
      currentVersion: 2,
      remaining: 0,
      unreadable: [],
      retired: [1],
      activityScrubbed: 1,
      resealed: { "client_notes.body": 8, "bookings.notes": 1, "users.two_factor_secret": 1 },
    });
    // 8 notes (7 + the plain one), all at version 2: the edit, sealed with version 1 by a process that
    // had not picked up the new key yet, was re-sealed by the next pass.
    expect(await versions()).toEqual([[2, 8]]);
    const after = (await listNotes(newProcess, { clientId: ctx.client.id })).map((n) => n.body).sort();
    expect(after).toEqual([...expected.filter((b) => b !== "Session note 3"), "Edited meanwhile"].sort());
    // The user's version moved once (their edit), not by the rotation.
    const [edited] = await testDb().db.select().from(clientNotes).where(eq(clientNotes.id, notes[3]!.id));
    expect(edited!.version).toBe(2);
    expect(await getBooking(newProcess, booking.id)).toMatchObject({ notes: "Booking note" });
    expect((await testDb().db.select().from(bookings).where(eq(bookings.id, booking.id)))[0]!.notesKeyVersion).toBe(2);
    const [user] = await testDb().db.select().from(users).where(eq(users.id, ctx.userId));
    expect(openData({ current: v2 }, user!.twoFactorSecret!, ctx.userId)).toBe("JBSWY3DPEHPK3PXP");
    const activity = await testDb()
      .db.select({ changes: activityLogs.changes })
      .from(activityLogs)
      .where(eq(activityLogs.userId, ctx.userId));
    expect(JSON.stringify(activity)).not.toContain("Plain legacy");

    // Done: the new key alone opens everything, and a process configured with it alone starts.
    const newOnly = { ...ctx, dataKeys: { current: v2 } };
    expect((await listNotes(newOnly, { clientId: ctx.client.id })).length).toBe(8);
    const keys = await resolveDataKeys(
      { configuredKey: `2:${base64(v2.key)}`, dataDir: "/nonexistent" },
      testDb().db,
      log,
    );
    expect(keys.current.version).toBe(2);
    const [retired] = await testDb().db.select().from(encryptionKeys).where(eq(encryptionKeys.version, 1));
    expect(retired!.retiredAt).toEqual(clock.now());

    // Idempotent: a second run finds nothing to do.
    const again = await rotateSealedData({ db: testDb().db, clock, dataKeys: rotated });
    expect(again).toMatchObject({ resealed: {}, remaining: 0, retired: [], activityScrubbed: 0 });
  });

  it("leaves a value it cannot open untouched and retires nothing", async () => {
    const ctx = await owner(rotated);
    const note = await createNote(ctx, { clientId: ctx.client.id, body: "Fine" });
    const foreign = sealData({ current: { version: 1, key: new Uint8Array(32).fill(8) } }, "x", "someone");
    await testDb().db.update(clientNotes).set({ body: foreign, keyVersion: 1 }).where(eq(clientNotes.id, note.id));
    await testDb().db.update(encryptionKeys).set({ retiredAt: null });
    const result = await rotateSealedData({ db: testDb().db, clock, dataKeys: rotated });
    expect(result.unreadable).toEqual([
      {
        field: "client_notes.body",
        id: note.id,
        reason: "The sealed value does not open with this key for this owner",
      },
    ]);
    expect(result.remaining).toBe(1);
    expect(result.retired).toEqual([]);
    expect((await testDb().db.select().from(clientNotes).where(eq(clientNotes.id, note.id)))[0]!.body).toBe(foreign);
  });
});
