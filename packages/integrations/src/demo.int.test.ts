import { allJobs, DEMO_EMAIL, ensureDemoAccount, ManualClock, verifyPassword } from "@crm/core";
import { testDataKeys } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useRacePool, useTestDatabase } from "@crm/db/testing";
import { formatInZone } from "@crm/shared";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobRuntime, startJobRuntime } from "./jobs/pg-boss";

const testDb = useTestDatabase();
const wide = useRacePool(testDb);
let runtime: JobRuntime;

beforeAll(async () => {
  runtime = await startJobRuntime({
    connectionString: testDb().url,
    definitions: allJobs,
    work: false,
    context: () => ({ db: testDb().db, clock: new ManualClock(), dataKeys: testDataKeys }),
    log: { info: () => {}, error: () => {} },
  });
});
afterAll(async () => {
  await runtime?.stop();
});

describe("demo account on a first start", () => {
  it("creates the account, its clients, sessions around today with reminders, and only once", async () => {
    const { db } = testDb();
    // A Saturday evening in New York: the sessions land on the days around it, at their local times.
    const clock = new ManualClock("2026-12-05T23:30:00Z");
    const created = await ensureDemoAccount({ db, clock, jobs: runtime.queue, dataKeys: testDataKeys });
    expect(created?.email).toBe(DEMO_EMAIL);

    const [user] = await db.select().from(schema.users).where(eq(schema.users.email, DEMO_EMAIL));
    expect(user?.timeZone).toBe("America/New_York");
    expect(await verifyPassword(user!.passwordHash, created!.password)).toBe(true);
    const clients = await db.select().from(schema.clients).where(eq(schema.clients.userId, user!.id));
    expect(clients).toHaveLength(12);
    expect(new Set(clients.map((c) => c.stageId)).size).toBe(5);

    const bookings = await db
      .select()
      .from(schema.bookings)
      .where(eq(schema.bookings.userId, user!.id))
      .orderBy(asc(schema.bookings.startsAt));
    expect(bookings).toHaveLength(10);
    const local = bookings.map(
      (b) => `${formatInZone(b.startsAt, "America/New_York", "yyyy-MM-dd HH:mm")} ${b.status}`,
    );
    expect(local).toEqual([
      "2026-11-29 09:00 completed",
      "2026-12-02 14:00 completed",
      "2026-12-04 11:00 completed",
      "2026-12-06 09:00 confirmed",
      "2026-12-06 13:30 proposed",
      "2026-12-07 10:00 proposed",
      "2026-12-08 15:00 confirmed",
      "2026-12-09 12:00 cancelled",
      "2026-12-11 16:00 confirmed",
      "2026-12-13 10:30 proposed",
    ]);

    // Upcoming proposed and confirmed sessions each have a reminder waiting (the outbox shows them);
    // the cancelled one's reminder is cancelled, past ones never had one.
    const reminders = await db
      .select({ bookingId: schema.emailMessages.bookingId, status: schema.emailMessages.status })
      .from(schema.emailMessages)
      .where(eq(schema.emailMessages.userId, user!.id));
    const statusOf = new Map(reminders.map((r) => [r.bookingId, r.status]));
    expect(statusOf.size).toBe(reminders.length); // one reminder per booking
    expect(bookings.map((b) => statusOf.get(b.id) ?? "none")).toEqual([
      "none",
      "none",
      "none",
      "scheduled",
      "scheduled",
      "scheduled",
      "scheduled",
      "cancelled",
      "scheduled",
      "scheduled",
    ]);

    expect(await ensureDemoAccount({ db, clock, jobs: runtime.queue, dataKeys: testDataKeys })).toBeNull();
    expect(await db.select().from(schema.users)).toHaveLength(1);
    expect(await db.select().from(schema.bookings)).toHaveLength(10);
  });

  it("several processes starting at once on an empty database: one demo, and every start succeeds", async () => {
    const { db } = wide();
    await db.delete(schema.users); // the test above made one; start from an empty database again
    const clock = new ManualClock("2026-12-05T23:30:00Z");
    const starts = await Promise.allSettled(
      Array.from({ length: 4 }, () => ensureDemoAccount({ db, clock, jobs: runtime.queue, dataKeys: testDataKeys })),
    );
    expect(starts.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    const created = starts.filter((s) => s.status === "fulfilled" && s.value !== null);
    expect(created).toHaveLength(1);
    expect(await db.select().from(schema.users)).toHaveLength(1);
    expect(await db.select().from(schema.clients)).toHaveLength(12);
    expect(await db.select().from(schema.bookings)).toHaveLength(10);
  });
});
