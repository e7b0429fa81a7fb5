/**
 * `pnpm bench` (second part): CSV import beside COPY into the same table, and 10k reminders due at
 * once drained through pg-boss against the fake Resend. Prints numbers; asserts none.
 * Env: BENCH_IMPORT_SIZES (5000,50000), BENCH_REMINDERS (10000), BENCH_JOBS (import,reminders),
 * BENCH_DATABASE_URL.
 */

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Worker } from "node:worker_threads";
import { createClient, createImport, runImport, sendReminderJob, startImport, systemClock } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { createDb, runMigrations, schema } from "@crm/db";
import { createResendMailer, installJobSchema, startJobRuntime } from "@crm/integrations";
import { eq, sql } from "drizzle-orm";
import { benchDatabase, fmt } from "./harness";

const IMPORT_SIZES = (process.env.BENCH_IMPORT_SIZES ?? "5000,50000").split(",").map(Number);
const REMINDERS = Number(process.env.BENCH_REMINDERS ?? 10_000);

function csvFor(rows: number, prefix: string) {
  const lines = ["First Name,Last Name,Email,Phone,Company,Tags"];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `Name${i},${prefix}${i},${prefix}${i}@example.com,+1415555${String(i % 10000).padStart(4, "0")},Company ${i % 97},tag${i % 5}`,
    );
  }
  return new TextEncoder().encode(lines.join("\n"));
}

async function importBench(url: string) {
  const handle = createDb(url, { max: 10 });
  const ctx = { db: handle.db, clock: systemClock };
  console.log("\nCSV import (one transaction, batches of 100) beside COPY into the same table");
  console.log("rows     import s  import rows/s   copy s  copy rows/s  ratio");
  // A running worker's pool is warm, and COPY below runs on a connection the import already opened:
  // open the import's connections (its transaction and its progress writes) before timing it too,
  // or the first size pays for connection setup that neither a worker nor COPY pays.
  await Promise.all([handle.sql`select 1`, handle.sql`select 1`, handle.sql`select 1`]);
  for (const size of IMPORT_SIZES) {
    const user = await createTestUser(ctx, { email: `bench-import-${size}-${Date.now()}@example.com` });
    const owner = { ...ctx, userId: user.id };
    const prefix = `imp${size}x`;
    // 10% of the file matches existing clients (skipped).
    const existing = Math.floor(size / 10);
    await handle.db.insert(schema.clients).values(
      Array.from({ length: existing }, (_, i) => ({
        userId: user.id,
        firstName: `Name${i * 10}`,
        email: `${prefix}${i * 10}@example.com`,
      })),
    );
    const draft = await createImport(owner, { filename: "bench.csv", bytes: csvFor(size, prefix) });
    await startImport(
      owner,
      { id: draft.id, mapping: draft.mapping as never, duplicatePolicy: "skip" },
      { enqueue: false },
    );
    const started = performance.now();
    await runImport(owner, { userId: user.id, importId: draft.id });
    const importSeconds = (performance.now() - started) / 1000;

    // COPY writes the same columns the import does (first pipeline stage and a position in it, status,
    // source): the same rows, without the import's parsing, validation and activity log.
    const copyUser = await createTestUser(ctx, { email: `bench-copy-${size}-${Date.now()}@example.com` });
    const [copyStage] = await handle.db
      .select({ id: schema.pipelineStages.id })
      .from(schema.pipelineStages)
      .where(eq(schema.pipelineStages.userId, copyUser.id))
      .orderBy(schema.pipelineStages.position)
      .limit(1);
    const copyStarted = performance.now();
    const writable =
      await handle.sql`copy clients (user_id, first_name, last_name, email, phone, company, status, stage_id, position, tags, source) from stdin with (format csv)`.writable();
    await pipeline(
      Readable.from(
        (function* () {
          for (let i = 0; i < size; i++) {
            yield `${copyUser.id},Name${i},copy${size}x${i},copy${size}x${i}@example.com,+1415555${String(i % 10000).padStart(4, "0")},Company ${i % 97},active,${copyStage?.id ?? ""},${copyStage ? i : ""},{tag${i % 5}},Import: bench.csv\n`;
          }
        })(),
      ),
      writable,
    );
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const importRate = size / importSeconds;
    const copyRate = size / copySeconds;
    console.log(
      `${String(size).padEnd(8)} ${fmt(importSeconds, 2).padStart(8)} ${fmt(importRate, 0).padStart(14)} ${fmt(copySeconds, 2).padStart(8)} ${fmt(copyRate, 0).padStart(12)} ${`${fmt((importRate / copyRate) * 100, 0)}%`.padStart(6)}`,
    );
  }
  await handle.close();
}

/** The fake Resend on a worker thread; `sent()` asks it how many emails it accepted. */
async function fakeResendThread() {
  const worker = new Worker(new URL("./fake-resend-worker.ts", import.meta.url), { execArgv: ["--import", "tsx"] });
  const ask = <T>(message?: string) =>
    new Promise<T>((resolve, reject) => {
      // One listener pair per question, both removed on the answer (the bench asks every 100 ms).
      const onError = (error: Error) => {
        worker.off("message", onMessage);
        reject(error);
      };
      const onMessage = (answer: T) => {
        worker.off("error", onError);
        resolve(answer);
      };
      worker.once("message", onMessage);
      worker.once("error", onError);
      if (message) worker.postMessage(message);
    });
  const { url, apiKey } = await ask<{ url: string; apiKey: string }>();
  return {
    url,
    apiKey,
    sent: async () => (await ask<{ count: number }>("count")).count,
    close: async () => {
      await ask("close");
      await worker.terminate();
    },
  };
}

async function reminderBench(url: string) {
  const fake = await fakeResendThread();
  const handle = createDb(url, { max: 10 });
  const ctx = { db: handle.db, clock: systemClock };
  const user = await createTestUser(ctx, { email: `bench-reminders-${Date.now()}@example.com` });
  const owner = { ...ctx, userId: user.id };
  const client = await createClient(owner, { firstName: "Bench", email: "bench-client@example.com" });
  // 10k bookings an hour apart, each with a reminder row due now; jobs inserted in bulk, due at once.
  const now = Date.now();
  const bookings = await handle.db
    .insert(schema.bookings)
    .values(
      Array.from({ length: REMINDERS }, (_, i) => ({
        userId: user.id,
        clientId: client.id,
        title: `Session ${i}`,
        startsAt: new Date(now + (i + 2) * 3600_000),
        endsAt: new Date(now + (i + 2) * 3600_000 + 1800_000),
      })),
    )
    .returning({ id: schema.bookings.id });
  const mailer = createResendMailer({ apiKey: fake.apiKey, baseUrl: fake.url });
  // The workers are up before the reminders come due, as in a running deployment.
  const workers = await startJobRuntime({
    connectionString: url,
    definitions: [sendReminderJob] as never[],
    work: true,
    context: () => ({ db: handle.db, clock: systemClock, email: { mailer, from: "Bench <b@example.com>" } }),
    log: { info: () => {}, error: (m) => console.error(m) },
  });
  // All 10k come due at the same instant a few seconds ahead (as reminders do: scheduled long before).
  const due = new Date(Date.now() + 8_000);
  const emails = await handle.db
    .insert(schema.emailMessages)
    .values(
      bookings.map((b) => ({
        userId: user.id,
        bookingId: b.id,
        kind: "reminder",
        status: "scheduled" as const,
        scheduledFor: due,
      })),
    )
    .returning({ id: schema.emailMessages.id });
  await workers.boss.insert(
    sendReminderJob.name,
    emails.map((e) => ({ data: { userId: user.id, emailId: e.id }, startAfter: due })),
  );
  if (Date.now() > due.getTime()) console.log("(seeding took longer than the lead time: lags include it)");
  await new Promise((r) => setTimeout(r, Math.max(0, due.getTime() - Date.now())));
  const enqueuedAt = performance.now();
  let sent = 0;
  while (sent < REMINDERS && performance.now() - enqueuedAt < 600_000) {
    await new Promise((r) => setTimeout(r, 100));
    sent = await fake.sent();
  }
  const seconds = (performance.now() - enqueuedAt) / 1000;
  const lags = (
    await handle.db.execute<{ lag: number }>(
      sql`select extract(epoch from (sent_at - scheduled_for))::float as lag from email_messages where user_id = ${user.id} and sent_at is not null`,
    )
  )
    .map((r) => Number(r.lag))
    .sort((a, b) => a - b);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? Number.NaN;
  console.log(`\n${REMINDERS} reminders due at once, pg-boss (LISTEN/NOTIFY, batches of 50) → fake Resend`);
  console.log(
    `sent ${sent} in ${fmt(seconds, 1)} s: ${fmt(sent / seconds, 0)} emails/s; due-to-sent lag p50 ${fmt(pct(50), 2)} s, p99 ${fmt(pct(99), 2)} s`,
  );
  void eq;
  await workers.stop();
  await handle.close();
  await fake.close();
}

async function main() {
  const database = await benchDatabase();
  await runMigrations(database.url);
  await installJobSchema(database.url);
  const parts = (process.env.BENCH_JOBS ?? "import,reminders").split(",");
  if (parts.includes("import")) await importBench(database.url);
  if (parts.includes("reminders")) await reminderBench(database.url);
  await database.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
