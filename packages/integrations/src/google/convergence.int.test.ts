/**
 * Convergence: random edits on both sides (create, move, rename, cancel, delete), interleaved with
 * syncs while the fake Google fails 20% of requests (rate limits, 5xx, expired tokens), then a quiet
 * sync: afterwards the CRM and Google hold the same events. Property-based with fast-check: a fixed
 * seed in CI; `CONVERGENCE_SEED=<n>` and `CONVERGENCE_RUNS=<n>` explore more on demand.
 */
import {
  createBooking,
  deleteBooking,
  isDomainError,
  type JobQueue,
  ManualClock,
  transitionBooking,
  updateBooking,
} from "@crm/core";
import { schema } from "@crm/db";
import type { FakeGoogle } from "@crm/testing/fake-google";
import { and, eq, isNull } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { connectedUser, type SyncUser, sync, useSyncFixture } from "./harness.test-util";

const clock = new ManualClock("2026-05-04T08:00:00Z");
const fixture = useSyncFixture(clock);
const testDb = fixture.testDb;
let fake: FakeGoogle;
let sendOnly: { queue: JobQueue };
beforeAll(() => {
  fake = fixture.fake();
  sendOnly = { queue: fixture.queue() };
});

/** Half-hour slots over the next two weeks, so random moves both collide and not. */
const SLOTS = 14 * 20;
const slotStart = (slot: number) => new Date(Date.parse("2026-05-05T07:00:00Z") + slot * 30 * 60_000);
const duration = (units: number) => units * 30 * 60_000;

type Step =
  | { kind: "crmCreate"; slot: number; units: number; title: string }
  | { kind: "crmMove"; pick: number; slot: number; units: number }
  | { kind: "crmRename"; pick: number; title: string }
  | { kind: "crmCancel"; pick: number }
  | { kind: "crmDelete"; pick: number }
  | { kind: "googleCreate"; slot: number; units: number; title: string }
  | { kind: "googleMove"; pick: number; slot: number; units: number }
  | { kind: "googleRename"; pick: number; title: string }
  | { kind: "googleDelete"; pick: number }
  | { kind: "googleForgetsDeleted" }
  | { kind: "sync" };

const title = fc.constantFrom("Coaching", "Review", "Intro", "Workshop", "Check-in", "Planning", "Follow-up");
const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const units = fc.integer({ min: 1, max: 3 });
const pick = fc.nat({ max: 1000 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("crmCreate" as const), slot, units, title }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("crmMove" as const), pick, slot, units }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("crmRename" as const), pick, title }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("crmCancel" as const), pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("crmDelete" as const), pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("googleCreate" as const), slot, units, title }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("googleMove" as const), pick, slot, units }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("googleRename" as const), pick, title }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("googleDelete" as const), pick }), weight: 1 },
  // Google drops its tombstones and with them every sync token (410): deletions come only by absence.
  { arbitrary: fc.constant({ kind: "googleForgetsDeleted" as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: "sync" as const }), weight: 4 },
);

async function liveCrm(u: SyncUser) {
  return u.db
    .select()
    .from(schema.bookings)
    .where(
      and(
        eq(schema.bookings.userId, u.userId),
        isNull(schema.bookings.deletedAt),
        // Final states are out of the calendar on both sides.
      ),
    )
    .then((rows) => rows.filter((r) => r.status === "proposed" || r.status === "confirmed"));
}

/** Edits made by the "user" here: refusals (a taken slot, a final booking) are part of the game. */
async function expectedRefusal(work: () => Promise<unknown>) {
  try {
    await work();
  } catch (error) {
    if (!isDomainError(error)) throw error;
  }
}

async function apply(u: SyncUser, s: Step) {
  clock.advance(17_000);
  const crm = await liveCrm(u);
  const google = fake.events("primary", u.account).filter((e) => e.status !== "cancelled");
  const crmPick = (n: number) => crm[n % Math.max(crm.length, 1)];
  const googlePick = (n: number) => google[n % Math.max(google.length, 1)];
  switch (s.kind) {
    case "crmCreate":
      return expectedRefusal(() =>
        createBooking(u, {
          clientId: u.clientId,
          title: s.title,
          startsAt: slotStart(s.slot),
          endsAt: new Date(slotStart(s.slot).getTime() + duration(s.units)),
          status: "confirmed",
        }),
      );
    case "crmMove": {
      const b = crmPick(s.pick);
      if (!b) return;
      return expectedRefusal(() =>
        updateBooking(u, {
          id: b.id,
          version: b.version,
          startsAt: slotStart(s.slot),
          endsAt: new Date(slotStart(s.slot).getTime() + duration(s.units)),
        }),
      );
    }
    case "crmRename": {
      const b = crmPick(s.pick);
      if (!b) return;
      return expectedRefusal(() => updateBooking(u, { id: b.id, version: b.version, title: `${s.title} (crm)` }));
    }
    case "crmCancel": {
      const b = crmPick(s.pick);
      if (!b) return;
      return expectedRefusal(() => transitionBooking(u, { id: b.id, version: b.version, to: "cancelled" }));
    }
    case "crmDelete": {
      const b = crmPick(s.pick);
      if (!b) return;
      return expectedRefusal(() => deleteBooking(u, b.id));
    }
    case "googleCreate": {
      const start = slotStart(s.slot);
      fake.createEvent(
        {
          summary: s.title,
          start: { dateTime: start.toISOString() },
          end: { dateTime: new Date(start.getTime() + duration(s.units)).toISOString() },
        },
        "primary",
        u.account,
      );
      return;
    }
    case "googleMove": {
      const e = googlePick(s.pick);
      if (!e) return;
      const start = slotStart(s.slot);
      fake.updateEvent(
        e.id,
        {
          start: { dateTime: start.toISOString() },
          end: { dateTime: new Date(start.getTime() + duration(s.units)).toISOString() },
        },
        "primary",
        u.account,
      );
      return;
    }
    case "googleRename": {
      const e = googlePick(s.pick);
      if (!e) return;
      fake.updateEvent(e.id, { summary: `${s.title} (google)` }, "primary", u.account);
      return;
    }
    case "googleDelete": {
      const e = googlePick(s.pick);
      if (!e) return;
      fake.deleteEvent(e.id, "primary", u.account);
      return;
    }
    case "googleForgetsDeleted":
      fake.expireSyncTokens({ forgetDeleted: true });
      return;
    case "sync":
      // With faults on, a run may fail after its retries (the job queue would retry it): fine.
      await sync(u).catch((error: unknown) => {
        if (!(error as { kind?: string }).kind) throw error;
      });
      return;
  }
}

function snapshotCrm(rows: Awaited<ReturnType<typeof liveCrm>>) {
  return rows
    .map((r) => ({ id: r.googleEventId, title: r.title, start: r.startsAt.toISOString(), end: r.endsAt.toISOString() }))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

function snapshotGoogle(fakeGoogle: FakeGoogle, account: string) {
  return fakeGoogle
    .events("primary", account)
    .filter((e) => e.status !== "cancelled")
    .map((e) => ({
      id: e.id,
      title: e.summary ?? "",
      start: new Date(e.start!.dateTime!).toISOString(),
      end: new Date(e.end!.dateTime!).toISOString(),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

it("CRM and Google converge after random edits on both sides, syncs and 20% faults", async () => {
  const seed = Number(process.env.CONVERGENCE_SEED ?? 20261125);
  const runs = Number(process.env.CONVERGENCE_RUNS ?? 4);
  const seen = { events: 0, faults: 0, runs: 0 };
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 15, maxLength: 40 }), fc.integer(), async (steps, faultSeed) => {
      const u = await connectedUser(testDb(), fake, sendOnly.queue, {
        clock,
        deps: { backoff: { baseMs: 1, attempts: 3 } },
      });
      fake.resetCounters();
      fake.faultRate(0.2, ["429", "403-rate", "403-user-rate", "500", "503", "401"], faultSeed);
      try {
        for (const s of steps) await apply(u, s);
      } finally {
        fake.faultRate(0, []);
      }
      // The quiet sync: no faults. Twice, so a conflict resolved in the first shows in the second.
      clock.advance(60_000);
      expect(await sync(u)).toMatchObject({ outcome: "synced" });
      clock.advance(60_000);
      expect(await sync(u)).toMatchObject({ outcome: "synced" });

      const crm = await liveCrm(u);
      seen.runs += 1;
      seen.events += crm.length;
      seen.faults += fake.requests.filter((r) => r.status >= 400).length;
      expect(crm.every((b) => b.googleEventId !== null && b.changeSeq <= b.pushedSeq)).toBe(true);
      expect(snapshotCrm(crm)).toEqual(snapshotGoogle(fake, u.account));
    }),
    { seed, numRuns: runs, endOnFailure: true, verbose: true },
  );
  // Not vacuous: the runs compared real events and went through injected faults.
  expect(seen.events).toBeGreaterThan(runs * 3);
  expect(seen.faults).toBeGreaterThan(0);
  if (process.env.CONVERGENCE_RUNS) console.log("convergence", { seed, ...seen });
}, 300_000);
