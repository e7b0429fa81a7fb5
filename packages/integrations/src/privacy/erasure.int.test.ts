/**
 * Erasure end to end on real PostgreSQL, a real pg-boss queue and the fake Google: erasing a client,
 * purging Trash, and deleting an account, each checked by scanning every table of every schema.
 */
import {
  type AuthedContext,
  cancelAccountDeletion,
  createBooking,
  createClient,
  createNote,
  deleteClient,
  eraseClient,
  hardDeleteDueAccounts,
  type JobContext,
  login,
  ManualClock,
  purgeDeletedClients,
  requestAccountDeletion,
  updateClient,
} from "@crm/core";
import { TEST_PASSWORD, uniqueEmail } from "@crm/core/testing";
import { schema } from "@crm/db";
import { findTraces } from "@crm/db/testing";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { connectedUser, liveEvents, type SyncUser, sync, useSyncFixture } from "../google/harness.test-util";

const clock = new ManualClock("2026-03-02T09:00:00Z");
const fixture = useSyncFixture(clock);
const { testDb } = fixture;
const DAY = 24 * 3600_000;

const user = () => connectedUser(testDb(), fixture.fake(), fixture.queue(), { clock });

let made = 0;

/** A client with a note, a booking (pushed to Google when the owner syncs) and an email sent to them. */
async function clientWithHistory(ctx: AuthedContext, name: string) {
  made += 1;
  const email = uniqueEmail(name.toLowerCase());
  const phone = `+49 30 ${String(7_000_000 + made)}`;
  const client = await createClient(ctx, { firstName: name, lastName: "Erasable", email });
  await updateClient(ctx, { id: client.id, version: client.version, phone });
  await createNote(ctx, { clientId: client.id, body: `Session notes about ${name}` });
  const booking = await createBooking(ctx, {
    clientId: client.id,
    title: `Coaching with ${name}`,
    startsAt: new Date(clock.now().getTime() + 3 * DAY + made * 2 * 3600_000),
    endsAt: new Date(clock.now().getTime() + 3 * DAY + made * 2 * 3600_000 + 3600_000),
    status: "confirmed",
  });
  await ctx.db.insert(schema.emailMessages).values({
    userId: ctx.userId,
    bookingId: booking.id,
    kind: "reminder",
    toAddress: email,
    subject: `Reminder for ${name}`,
    textBody: `Hi ${name}, see you soon`,
    status: "sent",
    sentAt: clock.now(),
  });
  return { client, booking, email, name, phone: phone.replaceAll(" ", "") };
}

const activityOf = (ctx: AuthedContext, ids: string[]) =>
  ctx.db
    .select()
    .from(schema.activityLogs)
    .where(
      and(
        eq(schema.activityLogs.userId, ctx.userId),
        or(inArray(schema.activityLogs.entityId, ids), inArray(schema.activityLogs.clientId, ids)),
      ),
    );

const emailsOf = (ctx: AuthedContext) =>
  ctx.db.select().from(schema.emailMessages).where(eq(schema.emailMessages.userId, ctx.userId));

describe("privacy.eraseClient", () => {
  let owner: SyncUser;
  let other: SyncUser;
  beforeAll(async () => {
    owner = await user();
    other = await user();
  });

  it("removes the client, notes and bookings at once, scrubs activity and emails, and deletes the Google event", async () => {
    const erased = await clientWithHistory(owner, "Zelinda");
    const kept = await clientWithHistory(other, "Octavia");
    await sync(owner);
    expect(liveEvents(fixture.fake(), owner).map((e) => e.summary)).toContain("Coaching with Zelinda");
    // A reminder waits for the booking (due the day before).
    const [pending] = await emailsOf(owner).then((rows) =>
      rows.filter((r) => r.bookingId === erased.booking.id && r.status === "scheduled"),
    );
    expect(pending?.jobId).toMatch(/^[0-9a-f-]{36}$/);

    const theirEmailIds = new Set(
      (await emailsOf(owner)).filter((e) => e.bookingId === erased.booking.id).map((e) => e.id),
    );
    const result = await eraseClient(owner, { clientId: erased.client.id });
    expect(result).toEqual({
      clientId: erased.client.id,
      bookings: 1,
      googleEventsPending: 1,
      scrubbed: { activity: expect.any(Number), emails: 2, cancelledReminders: 1 },
    });

    const clients = await owner.db.select().from(schema.clients).where(eq(schema.clients.id, erased.client.id));
    expect(clients).toEqual([]);
    const notes = await owner.db
      .select()
      .from(schema.clientNotes)
      .where(eq(schema.clientNotes.clientId, erased.client.id));
    expect(notes).toEqual([]);
    // The booking is a blank tombstone until its event is gone from Google.
    const [tombstone] = await owner.db.select().from(schema.bookings).where(eq(schema.bookings.id, erased.booking.id));
    expect(tombstone).toMatchObject({
      clientId: null,
      title: "Erased",
      notes: null,
      location: null,
      status: "cancelled",
    });

    // Activity keeps what happened and when, without the values.
    const entries = await activityOf(owner, [erased.client.id, erased.booking.id]);
    expect(entries.map((e) => e.action).sort()).toEqual(["created", "created", "created", "erased", "updated"]);
    expect(entries.every((e) => e.changes === null)).toBe(true);
    // Emails keep status and time, not the address, subject or body.
    const emails = (await emailsOf(owner)).filter((e) => theirEmailIds.has(e.id));
    expect(emails.map((e) => [e.status, e.toAddress, e.subject, e.textBody, e.bookingId]).sort()).toEqual([
      ["cancelled", null, null, null, null],
      ["sent", null, null, null, null],
    ]);
    expect(emails.find((e) => e.status === "sent")?.sentAt).toEqual(clock.now());
    const [job] = (await owner.db.execute(
      sql`select state from pgboss.job where id = ${pending!.jobId}::uuid`,
    )) as unknown as { state: string }[];
    expect(job?.state).toBe("cancelled");

    // The next sync deletes the event, then the tombstone.
    await sync(owner);
    expect(liveEvents(fixture.fake(), owner).map((e) => e.summary)).not.toContain("Coaching with Zelinda");
    expect(await owner.db.select().from(schema.bookings).where(eq(schema.bookings.id, erased.booking.id))).toEqual([]);
    expect(await findTraces(owner.db, [erased.email, "Zelinda", erased.phone])).toEqual([]);

    // Another owner's client and its history are untouched.
    const theirs = await activityOf(other, [kept.client.id]);
    expect(theirs.filter((e) => e.changes !== null).length).toBeGreaterThan(0);
    const [theirEmail] = (await emailsOf(other)).filter((e) => e.status === "sent");
    expect(theirEmail).toMatchObject({ toAddress: kept.email, subject: "Reminder for Octavia" });
  });

  it("erases a client in Trash, and answers NOT_FOUND for another owner's client", async () => {
    const trashed = await clientWithHistory(owner, "Quirina");
    await deleteClient(owner, trashed.client.id);
    await expect(eraseClient(other, { clientId: trashed.client.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const result = await eraseClient(owner, { clientId: trashed.client.id });
    expect(result.clientId).toBe(trashed.client.id);
    await sync(owner);
    expect(await findTraces(owner.db, [trashed.email, "Quirina", trashed.phone])).toEqual([]);
  });
});

describe("the Trash purge", () => {
  it("scrubs activity and emails of the clients it purges, and only theirs", async () => {
    const owner = await user();
    const purged = await clientWithHistory(owner, "Philippa");
    const recent = await clientWithHistory(owner, "Rosalind");
    await deleteClient(owner, purged.client.id);
    clock.advance(60 * DAY);
    await deleteClient(owner, recent.client.id);
    clock.advance(31 * DAY);
    expect(await purgeDeletedClients({ ...owner, db: testDb().db }, 90)).toBeGreaterThanOrEqual(1);

    expect(await owner.db.select().from(schema.clients).where(eq(schema.clients.id, purged.client.id))).toEqual([]);
    const entries = await activityOf(owner, [purged.client.id, purged.booking.id]);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.changes === null)).toBe(true);
    expect(await findTraces(owner.db, [purged.email, "Philippa", purged.phone])).toEqual([]);
    // Still in Trash: its history is whole.
    const recentEntries = await activityOf(owner, [recent.client.id]);
    expect(recentEntries.some((e) => e.action === "created" && e.changes !== null)).toBe(true);
    const [recentEmail] = (await emailsOf(owner)).filter(
      (e) => e.bookingId === recent.booking.id && e.status === "sent",
    );
    expect(recentEmail?.toAddress).toBe(recent.email);
  });
});

describe("deleting the account", () => {
  it("ends sessions, disconnects Google, cancels reminders, then the hard delete leaves no trace", async () => {
    const owner = await user();
    const bystander = await user();
    const theirClient = await clientWithHistory(bystander, "Bystander");
    const mine = await clientWithHistory(owner, "Theodora");
    await sync(owner);
    const [me] = await owner.db.select().from(schema.users).where(eq(schema.users.id, owner.userId));
    const email = me!.email;
    // Traces outside the foreign keys: a request counter, and (below) a failed sign-in.
    await owner.db
      .insert(schema.rateLimitCounters)
      .values({ key: `user:${owner.userId}`, windowStart: clock.now(), used: 3 });

    await expect(requestAccountDeletion(owner, { password: "wrong" }, 30)).rejects.toMatchObject({
      code: "VALIDATION",
      field: "password",
    });
    const { deletionScheduledFor } = await requestAccountDeletion(owner, { password: TEST_PASSWORD }, 30);
    expect(deletionScheduledFor.toISOString()).toBe(new Date(clock.now().getTime() + 30 * DAY).toISOString());
    expect(await owner.db.select().from(schema.sessions).where(eq(schema.sessions.userId, owner.userId))).toEqual([]);
    expect(
      await owner.db
        .select()
        .from(schema.calendarConnections)
        .where(eq(schema.calendarConnections.userId, owner.userId)),
    ).toEqual([]);
    expect(fixture.fake().requests.some((r) => r.path === "/revoke" && r.status === 200)).toBe(true);
    await expect(login(owner, { email, password: "not-the-password" })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    const waiting = (await emailsOf(owner)).filter((e) => e.status === "scheduled" || e.status === "sending");
    expect(waiting).toEqual([]);

    const before = await findTraces(testDb().db, [owner.userId, email]);
    // The scan sees what the hard delete must remove, the queue's job payloads included.
    for (const table of [
      "public.users",
      "public.clients",
      "public.login_attempts",
      "public.rate_limit_counters",
      "pgboss.job",
    ]) {
      expect(
        before.some((h) => h.table === table),
        table,
      ).toBe(true);
    }
    const jobCtx: JobContext = { db: testDb().db, clock, jobs: fixture.queue(), log: () => {} };
    // Not yet due: nothing happens.
    clock.advance(29 * DAY);
    expect(await hardDeleteDueAccounts(jobCtx)).toEqual({ deleted: 0, failed: 0 });
    clock.advance(1 * DAY);
    expect(await hardDeleteDueAccounts(jobCtx)).toEqual({ deleted: 1, failed: 0 });
    expect(await hardDeleteDueAccounts(jobCtx)).toEqual({ deleted: 0, failed: 0 });

    expect(await findTraces(testDb().db, [owner.userId, email, mine.email, "Theodora", mine.phone])).toEqual([]);
    // The other account is whole.
    const [theirs] = await testDb()
      .db.select()
      .from(schema.clients)
      .where(eq(schema.clients.id, theirClient.client.id));
    expect(theirs?.email).toBe(theirClient.email);
  });

  it("can be cancelled before the grace period ends: the hard delete then leaves the account alone", async () => {
    const owner = await user();
    await requestAccountDeletion(owner, { password: TEST_PASSWORD }, 30);
    await cancelAccountDeletion(owner);
    await expect(cancelAccountDeletion(owner)).rejects.toMatchObject({ code: "VALIDATION" });
    clock.advance(31 * DAY);
    const jobCtx: JobContext = { db: testDb().db, clock, jobs: fixture.queue(), log: () => {} };
    await hardDeleteDueAccounts(jobCtx);
    const [row] = await owner.db.select().from(schema.users).where(eq(schema.users.id, owner.userId));
    expect(row).toMatchObject({ deletionRequestedAt: null, deletionScheduledFor: null });
  });
});
