/**
 * `pnpm bench` (third part): Google Calendar poll cycles. 1,000 connected users with 500 events each
 * (in the fake Google, already linked to bookings), then one scheduled poll cycle where nothing
 * changed and one where 1% of the events changed: wall time, Google calls, and time per user split
 * into Google time and the rest (database and our code). Prints numbers; asserts none.
 * Env: BENCH_GOOGLE_USERS (1000), BENCH_GOOGLE_EVENTS (500), BENCH_GOOGLE_CONCURRENCY (10),
 * BENCH_DATABASE_URL.
 */
import {
  type CalendarApi,
  type CalendarProvider,
  type CalendarSyncDeps,
  encryptToken,
  hashPassword,
  runCalendarSync,
  systemClock,
} from "@crm/core";
import { createDb, runMigrations, schema } from "@crm/db";
import { createGoogleCalendarSync } from "@crm/integrations";
import { startFakeGoogle } from "@crm/testing/fake-google";
import { sql } from "drizzle-orm";
import { benchDatabase, fmt } from "./harness";

const USERS = Number(process.env.BENCH_GOOGLE_USERS ?? 1000);
const EVENTS = Number(process.env.BENCH_GOOGLE_EVENTS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_GOOGLE_CONCURRENCY ?? 10);

/** Times every Calendar API call, so a sync's duration splits into Google time and ours. */
function timedProvider(provider: CalendarProvider, stats: { googleMs: number; calls: number }): CalendarProvider {
  return {
    ...provider,
    authorizationUrl: provider.authorizationUrl.bind(provider),
    exchangeCode: provider.exchangeCode.bind(provider),
    refresh: provider.refresh.bind(provider),
    revoke: provider.revoke.bind(provider),
    api(token) {
      const api = provider.api(token);
      const timed = {} as CalendarApi;
      for (const key of Object.keys(api) as (keyof CalendarApi)[]) {
        const method = api[key] as (...args: unknown[]) => Promise<unknown>;
        (timed as unknown as Record<string, unknown>)[key] = async (...args: unknown[]) => {
          const started = performance.now();
          try {
            return await method(...args);
          } finally {
            stats.googleMs += performance.now() - started;
            stats.calls += 1;
          }
        };
      }
      return timed;
    },
  };
}

async function inPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await work(item);
      }
    }),
  );
}

async function main() {
  const database = await benchDatabase();
  const fake = await startFakeGoogle();
  const handle = createDb(database.url, { max: CONCURRENCY + 4 });
  try {
    await runMigrations(database.url);
    const stats = { googleMs: 0, calls: 0 };
    const base = createGoogleCalendarSync({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      tokenEncryptionKey: Buffer.alloc(32, 5).toString("base64"),
      appUrl: "http://127.0.0.1:1",
      authUrl: fake.authUrl,
      tokenUrl: fake.tokenUrl,
      revokeUrl: fake.revokeUrl,
      apiUrl: `${fake.url}/`,
      quotaPerMinute: 1_000_000_000,
    });
    const calendar: CalendarSyncDeps = { ...base, provider: timedProvider(base.provider, stats) };
    const ctx = { db: handle.db, clock: systemClock, calendar };

    console.log(`\nGoogle Calendar poll cycles: ${USERS} users x ${EVENTS} events, ${CONCURRENCY} syncs at a time`);
    const seedStarted = performance.now();
    const passwordHash = await hashPassword("bench-password");
    const now = Date.now();
    const connections: { id: string; account: string }[] = [];
    for (let u = 0; u < USERS; u++) {
      const account = `bench-google-${u}@example.com`;
      const [user] = await handle.db
        .insert(schema.users)
        .values({
          email: `bench-sync-${u}-${now}@example.com`,
          name: `Bench ${u}`,
          passwordHash,
          timeZone: "Europe/Berlin",
        })
        .returning({ id: schema.users.id });
      // The real consent round trip for the tokens (arctic against the fake), stored as the app would.
      fake.signInAs(account);
      const verifier = `bench-verifier-${u}-${"x".repeat(43)}`;
      const back = await fake.approve(base.provider.authorizationUrl(`state-${u}`, verifier));
      const tokens = await base.provider.exchangeCode(back.searchParams.get("code")!, verifier);
      const rows = [];
      for (let e = 0; e < EVENTS; e++) {
        const startsAt = new Date(now + 24 * 3600_000 + e * 3600_000);
        const event = fake.createEvent(
          {
            summary: `Event ${e}`,
            start: { dateTime: startsAt.toISOString() },
            end: { dateTime: new Date(startsAt.getTime() + 1800_000).toISOString() },
          },
          "primary",
          account,
        );
        rows.push({
          userId: user!.id,
          title: event.summary!,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 1800_000),
          status: "confirmed" as const,
          source: "google",
          googleEventId: event.id,
          googleEtag: event.etag,
          googleUpdatedAt: new Date(event.updated),
          changeSeq: 1,
          pushedSeq: 1,
        });
      }
      await handle.db.insert(schema.bookings).values(rows);
      const [connection] = await handle.db
        .insert(schema.calendarConnections)
        .values({
          userId: user!.id,
          accessTokenEnc: encryptToken(calendar.tokenKey, tokens.accessToken, user!.id),
          refreshTokenEnc: encryptToken(calendar.tokenKey, tokens.refreshToken!, user!.id),
          accessTokenExpiresAt: new Date(Date.now() + tokens.expiresInSeconds * 1000),
          scopes: tokens.scopes.join(" "),
        })
        .returning({ id: schema.calendarConnections.id });
      connections.push({ id: connection!.id, account });
    }
    console.log(`seeded in ${fmt((performance.now() - seedStarted) / 1000)} s`);

    const cycle = async (label: string) => {
      stats.googleMs = 0;
      stats.calls = 0;
      const requestsBefore = fake.requests.length;
      let syncMs = 0;
      let pulled = 0;
      const started = performance.now();
      await inPool(connections, CONCURRENCY, async (connection) => {
        const t = performance.now();
        const outcome = await runCalendarSync(ctx, connection.id);
        syncMs += performance.now() - t;
        if (outcome.outcome !== "synced") throw new Error(`sync ended ${outcome.outcome}`);
        pulled += outcome.pulled;
      });
      const wall = (performance.now() - started) / 1000;
      const perUser = syncMs / USERS;
      const googlePerUser = stats.googleMs / USERS;
      console.log(
        `${label.padEnd(34)} wall ${fmt(wall).padStart(7)} s  calls ${String(fake.requests.length - requestsBefore).padStart(6)}` +
          `  applied ${String(pulled).padStart(6)}  per user ${fmt(perUser)} ms (Google ${fmt(googlePerUser)} ms,` +
          ` database + ours ${fmt(perUser - googlePerUser)} ms)`,
      );
    };

    // The first run of each connection is its full sync: every event is listed and matched by id.
    await cycle("first sync (full listing, linked)");
    await cycle("poll cycle, nothing changed");
    const changed = Math.max(1, Math.round(EVENTS / 100));
    for (const connection of connections) {
      const events = fake.events("primary", connection.account);
      for (let i = 0; i < changed; i++) {
        fake.updateEvent(events[i * 7]!.id, { summary: `Renamed ${i}` }, "primary", connection.account);
      }
    }
    await cycle(`poll cycle, 1% changed (${changed}/user)`);
    const [renamed] = await handle.db
      .select({ n: sql<number>`count(*)::int` })
      .from(schema.bookings)
      .where(sql`${schema.bookings.title} like 'Renamed %'`);
    console.log(`bookings renamed after the cycle: ${renamed?.n} (expected ${changed * USERS})`);
    const [usage] = await handle.db
      .select({ calls: sql<number>`sum(${schema.googleApiUsage.calls})::int` })
      .from(schema.googleApiUsage);
    console.log(`Google calls counted against the quota (all cycles): ${usage?.calls}`);
  } finally {
    await handle.close();
    await fake.close();
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
