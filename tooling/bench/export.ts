/**
 * `pnpm bench:export`: exports one account with BENCH_EXPORT_CLIENTS clients (500000) and their notes,
 * bookings, activity and emails through the export job (keyset reads, zip deflated as it goes,
 * chunks stored in account_export_chunks), printing the time and the peak memory of this process.
 * Prints numbers; asserts none; not part of CI.
 *
 * Env: BENCH_EXPORT_CLIENTS (500000), BENCH_DATABASE_URL (default: a throwaway embedded PostgreSQL),
 * BENCH_SEED=existing (reuse the account an earlier run seeded on BENCH_DATABASE_URL).
 */
import { generateDataKey, runAccountExport, sealField, systemClock } from "@crm/core";
import { createDb, runMigrations, schema } from "@crm/db";
import { and, eq, sql } from "drizzle-orm";
import { benchDatabase, fmt, runCli } from "./harness";

const CLIENTS = Number(process.env.BENCH_EXPORT_CLIENTS ?? 500_000);
/** Sealed notes are sealed one by one here, as the app would; the rest are plain (key version null). */
const SEALED_NOTES = 10_000;
const keyring = { current: { version: 1, key: generateDataKey() } };

async function seed(url: string) {
  const started = performance.now();
  console.log(`Seeding one account with ${CLIENTS} clients (the CLI's seed)...`);
  runCli(["seed", "--users", "1", "--clients-per-user", String(CLIENTS)], url);
  const handle = createDb(url, { max: 2 });
  const { db } = handle;
  const [owner] = await db
    .select({ id: schema.users.id })
    .from(schema.users)
    .orderBy(sql`${schema.users.createdAt} desc`)
    .limit(1);
  const userId = owner!.id;
  // The rest in SQL: a note for every 2nd client, a booking for every 5th (one hour apart, so none
  // overlap), an activity entry per client and per booking, and a reminder email per booking.
  await db.execute(sql`
    insert into client_notes (user_id, client_id, body, created_at, updated_at)
    select user_id, id, 'Session notes for ' || coalesce(first_name, '') || ': goals, progress, next steps. ' || repeat('x', 120), created_at, created_at
    from clients where user_id = ${userId} and (hashtext(id::text) % 2) = 0`);
  await db.execute(sql`
    insert into bookings (user_id, client_id, title, starts_at, ends_at, status, notes)
    select user_id, id, 'Session', timestamptz '2024-01-01' + n * interval '1 hour',
           timestamptz '2024-01-01' + n * interval '1 hour' + interval '50 minutes', 'completed', 'Bring the workbook'
    from (select user_id, id, row_number() over (order by id) as n from clients where user_id = ${userId}) c
    where n % 5 = 0`);
  await db.execute(sql`
    insert into activity_logs (user_id, actor_id, entity_type, entity_id, client_id, action, changes, created_at)
    select user_id, user_id, 'client', id, id, 'created', jsonb_build_object('firstName', jsonb_build_object('before', null, 'after', first_name)), created_at
    from clients where user_id = ${userId}`);
  await db.execute(sql`
    insert into email_messages (user_id, booking_id, kind, to_address, subject, text_body, status, sent_at)
    select b.user_id, b.id, 'reminder', c.email, 'Reminder: Session', 'See you at ' || b.starts_at::text, 'sent', b.starts_at - interval '1 day'
    from bookings b join clients c on c.id = b.client_id where b.user_id = ${userId}`);
  await handle.sql`analyze`;
  await handle.close();
  console.log(`seed: ${fmt((performance.now() - started) / 1000)} s`);
}

/** Seals SEALED_NOTES notes with this run's key, as encryption at rest stores them (one by one, as the app would). */
async function sealNotes(db: ReturnType<typeof createDb>["db"], userId: string) {
  // An earlier run's sealed notes are unreadable now (its key is gone): make them plain first.
  await db
    .update(schema.clientNotes)
    .set({ body: "Session notes", keyVersion: null })
    .where(and(eq(schema.clientNotes.userId, userId), sql`${schema.clientNotes.keyVersion} is not null`));
  const toSeal = await db
    .select({ id: schema.clientNotes.id, body: schema.clientNotes.body })
    .from(schema.clientNotes)
    .where(eq(schema.clientNotes.userId, userId))
    .limit(SEALED_NOTES);
  for (const note of toSeal) {
    const sealed = sealField(keyring, note.body, { ownerId: userId, field: "client_notes.body", rowId: note.id });
    await db
      .update(schema.clientNotes)
      .set({ body: sealed.value, keyVersion: sealed.keyVersion })
      .where(eq(schema.clientNotes.id, note.id));
  }
}

async function main() {
  const database = await benchDatabase();
  await runMigrations(database.url);
  const handle = createDb(database.url, { max: 4, applicationName: "crm-bench-export" });
  const [{ n } = { n: 0 }] = await handle.sql<{ n: number }[]>`select count(*)::int as n from users`;
  if (process.env.BENCH_SEED === "existing" && n > 0) console.log("Reusing the account already seeded");
  else {
    if (process.env.BENCH_SEED === "existing") console.log("Nothing seeded yet");
    await seed(database.url);
  }
  // The account with the most clients (the seeded one).
  const [owner] = await handle.sql<{ id: string }[]>`
    select user_id as id from clients group by user_id order by count(*) desc limit 1`;
  const userId = owner!.id;
  await sealNotes(handle.db, userId);
  const counts = await handle.sql<{ kind: string; n: number }[]>`
    select 'clients' as kind, count(*)::int as n from clients where user_id = ${userId}
    union all select 'notes', count(*)::int from client_notes where user_id = ${userId}
    union all select 'sealed notes', count(*)::int from client_notes where user_id = ${userId} and key_version is not null
    union all select 'bookings', count(*)::int from bookings where user_id = ${userId}
    union all select 'activity', count(*)::int from activity_logs where user_id = ${userId}
    union all select 'emails', count(*)::int from email_messages where user_id = ${userId}`;
  console.log(counts.map((c) => `${c.kind}: ${c.n}`).join(", "));

  const [row] = await handle.db
    .insert(schema.accountExports)
    .values({ userId, expiresAt: new Date(Date.now() + 86_400_000) })
    .returning({ id: schema.accountExports.id });
  const exportId = row!.id;

  global.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const started = performance.now();
  const ctx = { db: handle.db, clock: systemClock, dataKeys: keyring };
  await runAccountExport(ctx, { userId, exportId });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  const [done] = await handle.sql<{ bytes: number; chunks: number }[]>`
    select e.bytes::float8 as bytes, (select count(*)::int from account_export_chunks c where c.export_id = e.id) as chunks
    from account_exports e where e.id = ${exportId}`;
  const mb = (b: number) => fmt(b / 1024 / 1024);
  console.log("\n| Clients | Time | Zip | Chunks | Peak RSS | Peak heap used | RSS before |");
  console.log("|---|---|---|---|---|---|---|");
  console.log(
    `| ${CLIENTS} | ${fmt(seconds)} s | ${mb(done!.bytes)} MB | ${done!.chunks} | ${mb(peakRss)} MB | ${mb(peakHeap)} MB | ${mb(baseline.rss)} MB |`,
  );
  await handle.db.delete(schema.accountExports).where(eq(schema.accountExports.id, exportId));
  await handle.close();
  await database.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
