/**
 * Sync writes racing other writers on the same slots. The no-overlap rule is a GiST exclusion
 * constraint: two transactions writing overlapping bookings each insert their index entry, then each
 * waits for the other, and PostgreSQL aborts one with a deadlock (40P01). A sync that loses must try
 * again, not fail the run.
 */
import { createBooking, type JobQueue, ManualClock, type SyncOutcome } from "@crm/core";
import { schema } from "@crm/db";
import type { FakeGoogle } from "@crm/testing/fake-google";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { at, connectedUser, liveBookings, liveEvents, type SyncUser, sync, useSyncFixture } from "./harness.test-util";

const clock = new ManualClock("2026-03-02T09:00:00Z");
const fixture = useSyncFixture(clock);
const testDb = fixture.testDb;
let fake: FakeGoogle;
let sendOnly: { queue: JobQueue };
beforeAll(() => {
  fake = fixture.fake();
  sendOnly = { queue: fixture.queue() };
});

const user = () => connectedUser(testDb(), fake, sendOnly.queue, { clock });

/** Resolves once a backend of this database waits for a row or transaction lock. */
async function someoneWaitsForALock(): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const rows = await testDb().db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("nothing ever waited for a lock");
}

function bookingAt(u: SyncUser, title: string, startsAt: string, endsAt: string) {
  return {
    userId: u.userId,
    clientId: u.clientId,
    title,
    startsAt: at(startsAt),
    endsAt: at(endsAt),
    status: "confirmed" as const,
  };
}

it("an event pulled into a slot another transaction is filling is retried after a deadlock, and flagged", async () => {
  const u = await user();
  const event = fake.createEvent(
    { summary: "Dentist", start: { dateTime: "2026-03-10T10:00:00Z" }, end: { dateTime: "2026-03-10T11:00:00Z" } },
    "primary",
    u.account,
  );
  let run: Promise<{ outcome: SyncOutcome } | { error: unknown }> | undefined;
  await testDb().db.transaction(async (tx) => {
    // The sync waits first, so its deadlock check runs first and it is the one aborted.
    await tx.execute(sql`set local deadlock_timeout = '10s'`);
    await tx.insert(schema.bookings).values(bookingAt(u, "First half", "2026-03-10T10:00:00Z", "2026-03-10T10:30:00Z"));
    run = sync(u).then(
      (outcome) => ({ outcome }),
      (error: unknown) => ({ error }),
    );
    await someoneWaitsForALock(); // the import waits for "First half"
    await tx
      .insert(schema.bookings)
      .values(bookingAt(u, "Second half", "2026-03-10T10:30:00Z", "2026-03-10T11:00:00Z"));
  });
  const result = await run!;
  expect(result).toEqual({ outcome: expect.objectContaining({ outcome: "synced", pulled: 1 }) });
  const imported = (await liveBookings(u)).find((b) => b.googleEventId === event.id);
  expect(imported?.syncConflict).toMatch(/^Overlaps "(First|Second) half"/);
});

it("a deadlock while recording a push retries the write alone: Google gets the event once", async () => {
  const u = await user();
  await createBooking(u, {
    clientId: u.clientId,
    title: "Coaching",
    startsAt: at("2026-03-11T10:00:00Z"),
    endsAt: at("2026-03-11T11:00:00Z"),
    status: "confirmed",
  });
  // Stands in for losing that race on the push side, which needs two writers within the same instant:
  // the first write marking a booking pushed is aborted as a deadlock (a sequence counts it, since a
  // rollback does not undo it).
  await testDb().db.execute(sql`
    create sequence push_deadlocks;
    create function deadlock_first_push() returns trigger language plpgsql as $$
    begin
      if new.pushed_seq <> old.pushed_seq and nextval('push_deadlocks') = 1 then
        raise exception 'deadlock detected' using errcode = '40P01';
      end if;
      return new;
    end $$;
    create trigger deadlock_first_push before update on bookings
      for each row execute function deadlock_first_push();
  `);
  try {
    expect(await sync(u)).toMatchObject({ outcome: "synced", pushed: 1 });
  } finally {
    await testDb().db.execute(sql`drop trigger deadlock_first_push on bookings`);
  }
  expect(liveEvents(fake, u).map((e) => e.summary)).toEqual(["Coaching"]);
  const [booking] = await liveBookings(u);
  expect(booking?.pushedSeq).toBe(booking?.changeSeq);
});
