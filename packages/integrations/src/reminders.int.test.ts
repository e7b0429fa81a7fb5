import {
  createBooking,
  createClient,
  deleteBooking,
  deliverReminder,
  listEmails,
  ManualClock,
  REMINDER_RETRY_LIMIT,
  resendReminder,
  sendReminderJob,
  transitionBooking,
  updateBooking,
  updateClient,
  updateSettings,
} from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { createDb, schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { type FakeResend, startFakeResend } from "@crm/testing/fake-resend";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResendMailer } from "./email/resend-mailer";
import { type JobRuntime, startJobRuntime } from "./jobs/pg-boss";

const testDb = useTestDatabase();
const quiet = { info: () => {}, error: () => {} };
let sendOnly: JobRuntime;
let fake: FakeResend;

beforeAll(async () => {
  fake = await startFakeResend();
  sendOnly = await startJobRuntime({
    connectionString: testDb().url,
    definitions: [sendReminderJob] as never[],
    work: false,
    context: () => ({ db: testDb().db, clock: new ManualClock() }),
    log: quiet,
  });
});
afterAll(async () => {
  await sendOnly?.stop();
  await fake?.close();
});

async function owner(timeZone: string, now = "2026-03-01T09:00:00Z") {
  const clock = new ManualClock(now);
  const base = { db: testDb().db, clock, jobs: sendOnly.queue };
  const user = await createTestUser(base, { timeZone });
  const ctx = { ...base, userId: user.id };
  const client = await createClient(ctx, { firstName: "Maya", email: `maya-${user.id.slice(0, 8)}@example.com` });
  return {
    ...ctx,
    client,
    email: { mailer: createResendMailer({ apiKey: fake.apiKey, baseUrl: fake.url }), from: "Coach <c@example.com>" },
  };
}

async function reminders(
  ctx: { db: typeof schema extends never ? never : ReturnType<typeof testDb>["db"]; userId: string },
  bookingId: string,
) {
  return ctx.db
    .select()
    .from(schema.emailMessages)
    .where(and(eq(schema.emailMessages.userId, ctx.userId), eq(schema.emailMessages.bookingId, bookingId)))
    .orderBy(schema.emailMessages.createdAt);
}

const book = (ctx: Awaited<ReturnType<typeof owner>>, startsAt: string, endsAt: string) =>
  createBooking(ctx, {
    clientId: ctx.client.id,
    title: "Session",
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
  });

describe("reminder timing", () => {
  it("New York: the same wall-clock time the day before, across the spring change", async () => {
    const ctx = await owner("America/New_York");
    // 09:00 EDT on 2026-03-09 (13:00Z) -> 09:00 EST on 2026-03-08? No: 03-08 is the change day, 09:00 EDT = 13:00Z.
    const after = await book(ctx, "2026-03-09T13:00:00Z", "2026-03-09T14:00:00Z");
    // 09:00 EDT on the change day (03-08, 13:00Z) -> 09:00 EST the day before (03-07, 14:00Z): 23 hours earlier.
    const onChange = await book(ctx, "2026-03-08T13:00:00Z", "2026-03-08T14:00:00Z");
    expect((await reminders(ctx, after.id))[0]!.scheduledFor).toEqual(new Date("2026-03-08T13:00:00Z"));
    expect((await reminders(ctx, onChange.id))[0]!.scheduledFor).toEqual(new Date("2026-03-07T14:00:00Z"));
  });

  it("London: across the October change the reminder is 25 hours ahead", async () => {
    const ctx = await owner("Europe/London", "2026-10-20T09:00:00Z");
    // 10:00 GMT on 2026-10-26 (10:00Z) -> 10:00 BST on 10-25? 10-25 is the change day (GMT from 02:00): 10:00 GMT = 10:00Z.
    const monday = await book(ctx, "2026-10-26T10:00:00Z", "2026-10-26T11:00:00Z");
    // 10:00 GMT on 10-25 (10:00Z) -> 10:00 BST on 10-24 (09:00Z): 25 hours earlier.
    const sunday = await book(ctx, "2026-10-25T10:00:00Z", "2026-10-25T11:00:00Z");
    expect((await reminders(ctx, monday.id))[0]!.scheduledFor).toEqual(new Date("2026-10-25T10:00:00Z"));
    expect((await reminders(ctx, sunday.id))[0]!.scheduledFor).toEqual(new Date("2026-10-24T09:00:00Z"));
  });

  it("less than a day ahead: now when it starts more than an hour later, otherwise none (and says so)", async () => {
    const ctx = await owner("Europe/Berlin");
    const soon = await book(ctx, "2026-03-01T15:00:00Z", "2026-03-01T16:00:00Z");
    expect((await reminders(ctx, soon.id))[0]!.scheduledFor).toEqual(ctx.clock.now());
    const tooSoon = await book(ctx, "2026-03-01T09:30:00Z", "2026-03-01T10:00:00Z");
    expect(await reminders(ctx, tooSoon.id)).toEqual([]);
    const [row] = await ctx.db
      .select({ note: schema.bookings.reminderNote })
      .from(schema.bookings)
      .where(eq(schema.bookings.id, tooSoon.id));
    expect(row!.note).toBe("No reminder: the booking starts within the hour");
  });

  it("moves with a reschedule, stops on cancel and delete, follows the client's email and the owner's zone", async () => {
    const ctx = await owner("America/New_York");
    const b = await book(ctx, "2026-03-20T14:00:00Z", "2026-03-20T15:00:00Z");
    const moved = await updateBooking(ctx, {
      id: b.id,
      version: b.version,
      startsAt: new Date("2026-03-21T14:00:00Z"),
      endsAt: new Date("2026-03-21T15:00:00Z"),
    });
    let rows = await reminders(ctx, b.id);
    expect(rows.map((r) => [r.status, r.scheduledFor?.toISOString()])).toEqual([
      ["cancelled", "2026-03-19T14:00:00.000Z"],
      ["scheduled", "2026-03-20T14:00:00.000Z"],
    ]);
    // The owner moves to Berlin: 14:00Z is 15:00 there, so the reminder moves to 15:00 Berlin the day before (14:00Z).
    await updateSettings(ctx, { timeZone: "Europe/Berlin" });
    rows = await reminders(ctx, b.id);
    expect(rows.filter((r) => r.status === "scheduled").map((r) => r.scheduledFor?.toISOString())).toEqual([
      "2026-03-20T14:00:00.000Z",
    ]);
    // No email, no reminder; an email again, a reminder again.
    await updateClient(ctx, { id: ctx.client.id, version: ctx.client.version, email: null, firstName: "Maya" });
    rows = await reminders(ctx, b.id);
    expect(rows.filter((r) => r.status === "scheduled")).toEqual([]);
    const [note] = await ctx.db
      .select({ note: schema.bookings.reminderNote })
      .from(schema.bookings)
      .where(eq(schema.bookings.id, b.id));
    expect(note!.note).toBe("No reminder: the client has no email address");
    const cancelled = await transitionBooking(ctx, { id: b.id, version: moved.version, to: "cancelled" });
    expect(cancelled.status).toBe("cancelled");
    const other = await book(ctx, "2026-03-25T14:00:00Z", "2026-03-25T15:00:00Z");
    await deleteBooking(ctx, other.id);
    expect((await reminders(ctx, other.id)).map((r) => r.status)).toEqual([]); // no email on the client: never scheduled
  });
});

describe("Sent emails (emails.list)", () => {
  it("shows a reminder not sent yet with its booking and the client's address as it is now", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const b = await book(ctx, "2026-03-05T15:00:00Z", "2026-03-05T16:00:00Z");
    await updateClient(ctx, { id: ctx.client.id, version: ctx.client.version, email: "maya.new@example.com" });
    const [pending] = (await listEmails(ctx, {})).items;
    expect(pending).toMatchObject({ bookingId: b.id, to: null, subject: null, status: "scheduled" });
    expect(pending!.booking).toEqual({
      title: "Session",
      startsAt: new Date("2026-03-05T15:00:00Z"),
      clientName: "Maya",
      clientEmail: "maya.new@example.com",
    });

    ctx.clock.set("2026-03-04T15:00:00Z");
    await deliverReminder(ctx, { userId: ctx.userId, emailId: pending!.id }, 0);
    const [sent] = (await listEmails(ctx, {})).items;
    expect(sent).toMatchObject({ id: pending!.id, to: "maya.new@example.com", status: "sent" });
    expect(sent!.subject).toMatch(/^Reminder: Session on /);
  });
});

describe("racing bookings", () => {
  it("50 creates for one slot leave one booking with one reminder and one job: a retried transaction enqueues nothing twice", async () => {
    const wide = createDb(testDb().url, { max: 12, applicationName: "crm-race" });
    try {
      const ctx = { ...(await owner("Europe/Berlin")), db: wide.db };
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => book(ctx, "2026-03-10T15:00:00Z", "2026-03-10T16:00:00Z")),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      const booking = (won[0] as PromiseFulfilledResult<{ id: string }>).value;
      const emails = await ctx.db
        .select({ id: schema.emailMessages.id })
        .from(schema.emailMessages)
        .where(eq(schema.emailMessages.userId, ctx.userId));
      expect(emails).toHaveLength(1);
      expect((await reminders(ctx, booking.id)).map((r) => r.status)).toEqual(["scheduled"]);
      const jobs = await ctx.db.execute<{ n: number }>(
        sql`select count(*)::int as n from pgboss.job where name = ${sendReminderJob.name} and data->>'userId' = ${ctx.userId}`,
      );
      expect(jobs[0]!.n).toBe(1);
    } finally {
      await wide.close();
    }
  });
});

describe("sending reminders through Resend (the fake)", () => {
  it("sends with the booking time in the client's zone and an .ics; a retry never sends twice", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const b = await createBooking(ctx, {
      clientId: ctx.client.id,
      title: "Strategy call",
      startsAt: new Date("2026-03-02T15:00:00Z"),
      endsAt: new Date("2026-03-02T16:00:00Z"),
      timeZone: "Europe/Berlin",
    });
    const [email] = await reminders(ctx, b.id);
    await deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, 0);
    await deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, 1); // a duplicate run of the job
    expect(fake.sent).toHaveLength(1);
    const payload = fake.sent[0]!.payload as { subject: string; text: string; attachments: { filename: string }[] };
    expect(payload.subject).toBe("Reminder: Strategy call on Mon 2 Mar, 16:00");
    expect(payload.text).toContain("16:00–17:00 GMT+1 (Europe/Berlin)");
    expect(payload.attachments[0]!.filename).toBe("session.ics");
    expect(fake.sent[0]!.idempotencyKey).toBe(email!.id);
    const [after] = await reminders(ctx, b.id);
    expect(after).toMatchObject({ status: "sent", provider: "resend", attempts: 1, providerId: fake.sent[0]!.id });
  });

  it("retries soft failures (429, 500) and gives up on hard ones with the reason", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const b = await book(ctx, "2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z");
    const [email] = await reminders(ctx, b.id);
    fake.fail({ status: 429 });
    await expect(deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, 0)).rejects.toThrow(/not sent yet/);
    expect((await reminders(ctx, b.id))[0]).toMatchObject({
      status: "sending",
      lastError: expect.stringContaining("rate"),
    });
    fake.fail({ status: 500 });
    await expect(deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, 1)).rejects.toThrow();
    await deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, 2);
    expect((await reminders(ctx, b.id))[0]).toMatchObject({ status: "sent", attempts: 3 });
    expect(fake.sent).toHaveLength(1);

    const hard = await book(ctx, "2026-03-03T15:00:00Z", "2026-03-03T16:00:00Z");
    const [hardEmail] = await reminders(ctx, hard.id);
    fake.fail({ status: 422, name: "missing_required_field", message: "Missing `to` field." });
    await deliverReminder(ctx, { userId: ctx.userId, emailId: hardEmail!.id }, 0); // no throw: not retried
    expect((await reminders(ctx, hard.id))[0]).toMatchObject({
      status: "failed",
      lastError: expect.stringContaining("to"),
    });
  });

  it("resends on demand as a new email", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const b = await book(ctx, "2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z");
    const { emailId } = await resendReminder(ctx, b.id);
    await deliverReminder(ctx, { userId: ctx.userId, emailId }, 0);
    expect(fake.sent).toHaveLength(1);
    expect((await reminders(ctx, b.id)).map((r) => r.status).sort()).toEqual(["scheduled", "sent"]);
  });
});

describe("one reminder per start", () => {
  it("an edit that keeps the start never sends again; a reschedule does", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    // Less than a day ahead: the reminder is due at once.
    const b = await book(ctx, "2026-03-01T18:00:00Z", "2026-03-01T19:00:00Z");
    const [first] = await reminders(ctx, b.id);
    await deliverReminder(ctx, { userId: ctx.userId, emailId: first!.id }, 0);
    expect(fake.sent).toHaveLength(1);

    ctx.clock.advance(60_000);
    const renamed = await updateBooking(ctx, { id: b.id, version: b.version, title: "Session (renamed)" });
    const confirmed = await transitionBooking(ctx, { id: b.id, version: renamed.version, to: "confirmed" });
    expect((await reminders(ctx, b.id)).map((r) => r.status)).toEqual(["sent"]);

    // Moved to later the same day: a reminder for the new time, at once.
    const moved = await updateBooking(ctx, {
      id: b.id,
      version: confirmed.version,
      startsAt: new Date("2026-03-01T20:00:00Z"),
      endsAt: new Date("2026-03-01T21:00:00Z"),
    });
    let rows = await reminders(ctx, b.id);
    expect(rows.map((r) => [r.status, r.forStartsAt?.toISOString()])).toEqual([
      ["sent", "2026-03-01T18:00:00.000Z"],
      ["scheduled", "2026-03-01T20:00:00.000Z"],
    ]);
    // Edits while that one is still waiting keep it (no second one, nothing cancelled).
    await updateBooking(ctx, { id: b.id, version: moved.version, location: "Room 2" });
    rows = await reminders(ctx, b.id);
    expect(rows.map((r) => r.status)).toEqual(["sent", "scheduled"]);
  });

  it("a reminder that failed for good is not sent again by edits, but is after the client's address is fixed", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const b = await book(ctx, "2026-03-01T18:00:00Z", "2026-03-01T19:00:00Z");
    const [email] = await reminders(ctx, b.id);
    fake.fail({ status: 422, name: "validation_error", message: "Invalid `to` field." });
    await deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, 0);
    const renamed = await updateBooking(ctx, { id: b.id, version: b.version, title: "Renamed" });
    expect((await reminders(ctx, b.id)).map((r) => r.status)).toEqual(["failed"]);
    expect(renamed.title).toBe("Renamed");

    ctx.clock.advance(60_000);
    await updateClient(ctx, { id: ctx.client.id, version: ctx.client.version, email: "maya.fixed@example.com" });
    expect((await reminders(ctx, b.id)).map((r) => r.status)).toEqual(["failed", "scheduled"]);
  });

  it("rescheduling or cancelling cancels a reminder that is waiting for a retry", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const b = await book(ctx, "2026-03-01T18:00:00Z", "2026-03-01T19:00:00Z");
    const [email] = await reminders(ctx, b.id);
    fake.fail({ status: 500 });
    await expect(deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, 0)).rejects.toThrow();
    expect((await reminders(ctx, b.id))[0]!.status).toBe("sending");
    const cancelled = await transitionBooking(ctx, { id: b.id, version: b.version, to: "cancelled" });
    expect(cancelled.status).toBe("cancelled");
    expect((await reminders(ctx, b.id)).map((r) => r.status)).toEqual(["cancelled"]);
    // The retry that pg-boss would still run finds it cancelled and sends nothing.
    await deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, 1);
    expect(fake.sent).toHaveLength(0);
  });

  it("a retry after a timeout sends the same payload, and one the booking changed in between is not sent twice", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const quick = {
      mailer: createResendMailer({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 150 }),
      from: "Coach <c@example.com>",
    };
    const b = await book(ctx, "2026-03-01T18:00:00Z", "2026-03-01T19:00:00Z");
    const [email] = await reminders(ctx, b.id);

    // Timed out on our side, accepted by Resend: the retry (a minute later, same booking) is a replay.
    fake.delay(600);
    await expect(
      deliverReminder({ ...ctx, email: quick }, { userId: ctx.userId, emailId: email!.id }, 0),
    ).rejects.toThrow(/Timed out/);
    await fake.settled();
    ctx.clock.advance(60_000);
    await deliverReminder({ ...ctx, email: quick }, { userId: ctx.userId, emailId: email!.id }, 1);
    expect(fake.sent).toHaveLength(1);
    expect(fake.replayedKeys).toEqual([email!.id]);
    expect((await reminders(ctx, b.id))[0]).toMatchObject({ status: "sent", providerId: fake.sent[0]!.id });

    // Again, but the booking is renamed before the retry: Resend answers 409 for the changed payload.
    const other = await book(ctx, "2026-03-01T21:00:00Z", "2026-03-01T22:00:00Z");
    const [otherEmail] = await reminders(ctx, other.id);
    fake.delay(600);
    await expect(
      deliverReminder({ ...ctx, email: quick }, { userId: ctx.userId, emailId: otherEmail!.id }, 0),
    ).rejects.toThrow(/Timed out/);
    await fake.settled();
    await updateBooking(ctx, { id: other.id, version: other.version, title: "Renamed meanwhile" });
    await deliverReminder({ ...ctx, email: quick }, { userId: ctx.userId, emailId: otherEmail!.id }, 1);
    expect(fake.sent).toHaveLength(2);
    expect((await reminders(ctx, other.id)).map((r) => r.status)).toEqual(["sent"]);
  });

  it("out of retries: failed with the reason, the job fails (dead-letter, failed jobs), and its Retry sends it", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const b = await book(ctx, "2026-03-01T18:00:00Z", "2026-03-01T19:00:00Z");
    const [email] = await reminders(ctx, b.id);
    fake.fail({ status: 500 });
    await expect(
      deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, REMINDER_RETRY_LIMIT),
    ).rejects.toThrow(/Email not sent: /);
    expect((await reminders(ctx, b.id))[0]).toMatchObject({
      status: "failed",
      lastError: expect.stringContaining("500"),
    });
    // Another duplicate run of the last attempt does nothing; the Retry from failed jobs (one more
    // than the limit) sends it.
    await deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, REMINDER_RETRY_LIMIT);
    expect(fake.sent).toHaveLength(0);
    await deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, REMINDER_RETRY_LIMIT + 1);
    expect(fake.sent).toHaveLength(1);
    expect((await reminders(ctx, b.id))[0]).toMatchObject({ status: "sent", lastError: null });
  });

  it("a reminder that comes due after the booking started is not sent", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const b = await book(ctx, "2026-03-01T18:00:00Z", "2026-03-01T19:00:00Z");
    const [email] = await reminders(ctx, b.id);
    ctx.clock.set(new Date("2026-03-01T18:05:00Z")); // the workers were down until after the start
    await deliverReminder(ctx, { userId: ctx.userId, emailId: email!.id }, 0);
    expect(fake.sent).toHaveLength(0);
    expect((await reminders(ctx, b.id))[0]).toMatchObject({
      status: "failed",
      lastError: "Not sent: the booking had already started",
    });
  });

  it("Resend reminder twice in a row sends one email", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const b = await book(ctx, "2026-03-05T15:00:00Z", "2026-03-05T16:00:00Z");
    const [a, again] = await Promise.all([resendReminder(ctx, b.id), resendReminder(ctx, b.id)]);
    expect(again.emailId).toBe(a.emailId);
    await deliverReminder(ctx, { userId: ctx.userId, emailId: a.emailId }, 0);
    // Once it has gone out, pressing it again is a new email.
    const third = await resendReminder(ctx, b.id);
    expect(third.emailId).not.toBe(a.emailId);
  });
});

describe("two workers", () => {
  it("send each due reminder exactly once", async () => {
    fake.reset();
    const ctx = await owner("America/New_York");
    const mailer = createResendMailer({ apiKey: fake.apiKey, baseUrl: fake.url });
    const workers = await Promise.all(
      [1, 2].map(() =>
        startJobRuntime({
          connectionString: testDb().url,
          definitions: [sendReminderJob] as never[],
          work: true,
          context: () => ({ db: testDb().db, clock: ctx.clock, email: { mailer, from: "Coach <c@example.com>" } }),
          log: quiet,
        }),
      ),
    );
    try {
      // 20 bookings starting in a few hours: each reminder is due now (in the test clock's past).
      for (let i = 0; i < 20; i++) {
        const start = new Date(Date.parse("2026-03-01T12:00:00Z") + i * 3600_000);
        await createBooking(ctx, {
          clientId: ctx.client.id,
          title: `S${i}`,
          startsAt: start,
          endsAt: new Date(start.getTime() + 1800_000),
        });
      }
      // Earlier tests left due reminders too; the workers send those as well. Count this client's.
      const mine = () => fake.sent.filter((s) => JSON.stringify(s.payload.to).includes(ctx.client.email!));
      const deadline = Date.now() + 30_000;
      while (mine().length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 1000)); // room for a duplicate to show up
      expect(mine()).toHaveLength(20);
      expect(new Set(mine().map((s) => s.idempotencyKey)).size).toBe(20);
      expect(new Set(fake.sent.map((s) => s.idempotencyKey)).size).toBe(fake.sent.length);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
