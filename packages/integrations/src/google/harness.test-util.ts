/**
 * Test harness for Google Calendar sync: a user connected through the real OAuth round trip
 * (arctic against the fake's consent and token endpoints), with the real googleapis client talking
 * to the fake Calendar, and a ManualClock shared by the app and the fake.
 */
import {
  type AuthedContext,
  allJobs,
  type CalendarSyncDeps,
  calendarSyncStatus,
  completeGoogleConnect,
  createClient,
  type JobQueue,
  ManualClock,
  runCalendarSync,
  startGoogleConnect,
} from "@crm/core";
import { createTestUser, testDataKeys, uniqueEmail } from "@crm/core/testing";
import { schema } from "@crm/db";
import { type TestDatabase, useTestDatabase } from "@crm/db/testing";
import { type FakeGoogle, startFakeGoogle } from "@crm/testing/fake-google";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { type JobRuntime, startJobRuntime } from "../jobs/pg-boss";
import { createGoogleCalendarSync } from "./sync-deps";

export const quietLog = { info: () => {}, error: () => {} };

/**
 * A test file's world: its database, a fake Google on `clock`, and a send-only job runtime (jobs are
 * enqueued for real, nothing runs them unless the test starts workers). Call at the file's top level.
 */
export function useSyncFixture(clock: ManualClock) {
  const testDb = useTestDatabase();
  let fake: FakeGoogle | undefined;
  let sendOnly: JobRuntime | undefined;
  beforeAll(async () => {
    fake = await startFakeGoogle({ clock });
    sendOnly = await startJobRuntime({
      connectionString: testDb().url,
      definitions: allJobs,
      work: false,
      context: () => ({ db: testDb().db, clock, dataKeys: testDataKeys }),
      log: quietLog,
    });
  });
  afterAll(async () => {
    await sendOnly?.stop();
    await fake?.close();
  });
  return {
    testDb,
    fake: () => fake!,
    queue: () => sendOnly!.queue,
  };
}

export const TEST_TOKEN_KEY = Buffer.alloc(32, 7).toString("base64");

export function syncDeps(fake: FakeGoogle, overrides: Partial<CalendarSyncDeps> = {}): CalendarSyncDeps {
  const deps = createGoogleCalendarSync({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    tokenEncryptionKey: TEST_TOKEN_KEY,
    appUrl: "http://127.0.0.1:1",
    authUrl: fake.authUrl,
    tokenUrl: fake.tokenUrl,
    revokeUrl: fake.revokeUrl,
    apiUrl: `${fake.url}/`,
    quotaPerMinute: 10_000,
  });
  return { ...deps, backoff: { baseMs: 5, attempts: 6 }, ...overrides };
}

export interface SyncUser extends AuthedContext {
  clock: ManualClock;
  account: string;
  clientId: string;
  connectionId: string;
}

/** A new user with a client, connected to a fresh Google account in the fake. */
export async function connectedUser(
  testDb: TestDatabase,
  fake: FakeGoogle,
  jobs: JobQueue,
  options: { clock?: ManualClock; deps?: Partial<CalendarSyncDeps>; timeZone?: string } = {},
): Promise<SyncUser> {
  const clock = options.clock ?? new ManualClock("2026-03-02T09:00:00Z");
  const base = { db: testDb.db, clock, jobs, calendar: syncDeps(fake, options.deps), dataKeys: testDataKeys };
  const user = await createTestUser(base, { timeZone: options.timeZone ?? "Europe/Berlin" });
  const ctx = { ...base, userId: user.id };
  const client = await createClient(ctx, { firstName: "Maya", lastName: "Lopez", email: uniqueEmail("maya") });
  const account = uniqueEmail("google");
  await connect(ctx, fake, account);
  const [connection] = await testDb.db
    .select()
    .from(schema.calendarConnections)
    .where(eq(schema.calendarConnections.userId, user.id));
  return { ...ctx, clock, account, clientId: client.id, connectionId: connection!.id };
}

/** The consent round trip: our consent URL → the fake's Allow → our callback. */
export async function connect(ctx: AuthedContext, fake: FakeGoogle, account: string) {
  fake.signInAs(account);
  const { url } = await startGoogleConnect(ctx, {});
  const back = await fake.approve(url);
  const result = await completeGoogleConnect(ctx, Object.fromEntries(back.searchParams));
  if (!result.ok) throw new Error(`connect failed: ${result.message}`);
  return result;
}

export async function sync(user: SyncUser) {
  return runCalendarSync(user, user.connectionId);
}

export async function liveBookings(user: SyncUser) {
  return user.db
    .select()
    .from(schema.bookings)
    .where(and(eq(schema.bookings.userId, user.userId), isNull(schema.bookings.deletedAt)))
    .orderBy(schema.bookings.startsAt);
}

export async function status(user: SyncUser) {
  return calendarSyncStatus(user);
}

/** Google's live events for the user's account (cancelled ones left out). */
export function liveEvents(fake: FakeGoogle, user: SyncUser) {
  return fake.events("primary", user.account).filter((e) => e.status !== "cancelled");
}

export const at = (iso: string) => new Date(iso);
