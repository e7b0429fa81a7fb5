// Test-only: an account with every kind of record, shared by the export tests.
import { type Database, schema } from "@crm/db";
import { eq } from "drizzle-orm";
import { createBooking } from "../../bookings/bookings";
import { createClient, deleteClient } from "../../clients/clients";
import type { AuthedContext } from "../../context";
import { type DataKeyring, generateDataKey } from "../../crypto/data-key";
import { sealField } from "../../crypto/field-seal";
import type { JobQueue } from "../../jobs/queue";
import { createNote } from "../../notes/notes";
import { ManualClock } from "../../ports";
import { createTestUser } from "../../testing";

export const keyring: DataKeyring = { current: { version: 1, key: generateDataKey() } };

export function recordingQueue() {
  const sent: { name: string; payload: unknown }[] = [];
  const queue = {
    async send(_db: unknown, job: { name: string }, payload: unknown) {
      sent.push({ name: job.name, payload });
      return `job-${sent.length}`;
    },
  } as unknown as JobQueue;
  return { queue, sent };
}

/** A new owner with the job queue recorded and the data key loaded, at 2026-03-01 09:00 UTC. */
export async function newOwner(
  db: Database,
  clock = new ManualClock("2026-03-01T09:00:00Z"),
): Promise<AuthedContext & { clock: ManualClock }> {
  const { queue } = recordingQueue();
  const base = { db, clock, jobs: queue, dataKeys: keyring };
  const user = await createTestUser(base, { name: "Owner One" });
  return { ...base, userId: user.id };
}

/** An account with every kind of record, some notes sealed and some plain. */
export async function seedAccount(ctx: AuthedContext) {
  const db = ctx.db;
  const ada = await createClient(ctx, {
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    phone: "+4915112345678",
    tags: ["vip", "math"],
  });
  const formula = await createClient(ctx, { firstName: '=HYPERLINK("http://evil")', lastName: 'Smith, "Jr"' });
  const gone = await createClient(ctx, { firstName: "Trashed", email: "trashed@example.com" });
  await deleteClient(ctx, gone.id);
  await db
    .update(schema.clients)
    .set({
      consentBasis: "consent",
      consentGivenAt: new Date("2026-02-01T10:00:00Z"),
      consentSource: "Intake form",
      marketingConsent: true,
      marketingConsentAt: new Date("2026-02-01T10:00:00Z"),
    })
    .where(eq(schema.clients.id, ada.id));

  const plainNote = await createNote(ctx, { clientId: ada.id, body: "Plain note: prefers mornings" });
  const sealedNote = await createNote(ctx, { clientId: ada.id, body: "placeholder" });
  const sealed = sealField(keyring, "Sealed note: anxiety, sleeps badly", {
    ownerId: ctx.userId,
    field: "client_notes.body",
    rowId: sealedNote.id,
  });
  await db
    .update(schema.clientNotes)
    .set({ body: sealed.value, keyVersion: sealed.keyVersion })
    .where(eq(schema.clientNotes.id, sealedNote.id));

  const booking = await createBooking(ctx, {
    clientId: ada.id,
    title: "First session",
    startsAt: "2026-03-02T10:00:00Z",
    endsAt: "2026-03-02T11:00:00Z",
  });
  const sealedBookingNotes = sealField(keyring, "Booking note: bring the intake form", {
    ownerId: ctx.userId,
    field: "bookings.notes",
    rowId: booking.id,
  });
  await db
    .update(schema.bookings)
    .set({ notes: sealedBookingNotes.value, notesKeyVersion: sealedBookingNotes.keyVersion })
    .where(eq(schema.bookings.id, booking.id));

  await db.insert(schema.emailMessages).values([
    {
      userId: ctx.userId,
      bookingId: booking.id,
      kind: "reminder",
      toAddress: "ada@example.com",
      subject: "Reminder: First session",
      textBody: "See you tomorrow",
      status: "sent",
    },
    { userId: ctx.userId, kind: "other", toAddress: "ADA@example.com", subject: "Hello", status: "sent" },
  ] as never);
  await db.insert(schema.accountEmails).values({
    userId: ctx.userId,
    kind: "verification",
    toAddress: "owner@example.com",
    status: "sent",
    createdAt: ctx.clock.now(),
    updatedAt: ctx.clock.now(),
  } as never);
  await db.insert(schema.imports).values({
    userId: ctx.userId,
    filename: "old.csv",
    content: Buffer.from("RAW-CSV-BYTES-NOT-EXPORTED"),
    status: "completed",
    totalRows: 2,
    failed: 1,
    failures: [{ line: 3, values: ["x"], reason: "Enter a name or an email" }],
  } as never);
  await db.insert(schema.calendarConnections).values({
    userId: ctx.userId,
    accountEmail: "owner@gmail.com",
    accessTokenEnc: "ACCESS-TOKEN-SECRET",
    refreshTokenEnc: "REFRESH-TOKEN-SECRET",
    syncToken: "SYNC-TOKEN-SECRET",
    status: "connected",
  } as never);
  return { ada, formula, gone, plainNote, sealedNote, booking };
}
