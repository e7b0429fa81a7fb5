/**
 * `pnpm bench:notes`: what sealing costs on the notes list. One account among many (seeded with the
 * CLI) holds two clients with BENCH_NOTES notes each: one client's notes sealed (written through
 * createNote), the other's the same texts in plain rows (key_version null, as written before
 * encryption). notes.list over HTTP (tRPC, a session cookie) for each, at each concurrency; and the
 * open/seal cost of one note in-process. Prints numbers; asserts none. Not in CI.
 *
 * Env: BENCH_USERS (200), BENCH_CLIENTS_PER_USER (100), BENCH_NOTES (200), BENCH_NOTE_CHARS (600),
 * BENCH_SECONDS per cell (8), BENCH_CONCURRENCY ("1,10,50"), BENCH_DATABASE_URL (default: a
 * throwaway embedded PostgreSQL).
 */
import { createClient, createNote, createSession, NOTE_BODY_FIELD, openField, sealField, systemClock } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { createDb, runMigrations, schema } from "@crm/db";
import { buildApp } from "@crm/server";
import superjson from "superjson";
import { benchDatabase, fmt, loadInWorker, runCli } from "./harness";

const USERS = Number(process.env.BENCH_USERS ?? 200);
const PER_USER = Number(process.env.BENCH_CLIENTS_PER_USER ?? 100);
const NOTES = Number(process.env.BENCH_NOTES ?? 200);
const NOTE_CHARS = Number(process.env.BENCH_NOTE_CHARS ?? 600);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,10,50").split(",").map(Number);

const dataKeys = { current: { version: 1, key: new Uint8Array(32).fill(42) } };

function noteText(i: number): string {
  const words = "client said the week went better slept more walked daily plan next session review goals".split(" ");
  let text = `Session ${i}: `;
  for (let w = 0; text.length < NOTE_CHARS; w++) text += `${words[(i * 7 + w) % words.length]} `;
  return text.slice(0, NOTE_CHARS);
}

async function main() {
  const database = await benchDatabase();
  await runMigrations(database.url);
  console.log(`Seeding ${USERS} users x ${PER_USER} clients with the CLI...`);
  runCli(["seed", "--users", String(USERS), "--clients-per-user", String(PER_USER)], database.url);

  const app = createDb(database.url, { max: 20, applicationName: "crm-bench-notes" });
  const base = { db: app.db, clock: systemClock, dataKeys };
  const user = await createTestUser(base);
  const owner = { ...base, userId: user.id };
  const sealedClient = await createClient(owner, { firstName: "Sealed", lastName: "Notes" });
  const plainClient = await createClient(owner, { firstName: "Plain", lastName: "Notes" });
  console.log(`Writing ${NOTES} sealed notes (createNote) and ${NOTES} plain rows of ${NOTE_CHARS} characters...`);
  const writeStarted = performance.now();
  for (let i = 0; i < NOTES; i++) await createNote(owner, { clientId: sealedClient.id, body: noteText(i) });
  const writeMs = (performance.now() - writeStarted) / NOTES;
  await app.db.insert(schema.clientNotes).values(
    Array.from({ length: NOTES }, (_, i) => ({
      userId: user.id,
      clientId: plainClient.id,
      body: noteText(i),
      keyVersion: null,
    })),
  );
  await app.sql`analyze`;

  // The crypto alone, per note, in-process.
  const binding = { ownerId: user.id, field: NOTE_BODY_FIELD, rowId: sealedClient.id };
  const text = noteText(1);
  const rounds = 20_000;
  let sealed = sealField(dataKeys, text, binding);
  let started = performance.now();
  for (let i = 0; i < rounds; i++) sealed = sealField(dataKeys, text, binding);
  const sealUs = ((performance.now() - started) * 1000) / rounds;
  started = performance.now();
  for (let i = 0; i < rounds; i++) openField(dataKeys, sealed.value, sealed.keyVersion, binding);
  const openUs = ((performance.now() - started) * 1000) / rounds;

  const { token } = await createSession(base, user.id);
  const server = await buildApp({
    db: app.db,
    clock: systemClock,
    appUrl: "http://127.0.0.1",
    webDistDir: null,
    dataKeys,
    limits: { perUserPerHour: 1_000_000_000, authPerIpPerMinute: 1_000_000_000 },
  });
  await server.listen({ port: 0, host: "127.0.0.1" });
  const port = (server.server.address() as { port: number }).port;
  const listPath = (clientId: string) =>
    `/trpc/notes.list?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ clientId })))}`;

  const rows: string[] = [];
  for (const concurrency of CONCURRENCY) {
    const results = [];
    for (const [name, clientId] of [
      ["plain rows", plainClient.id],
      ["sealed", sealedClient.id],
    ] as const) {
      const result = await loadInWorker({
        port,
        concurrency,
        seconds: SECONDS,
        requests: [{ path: listPath(clientId), headers: { cookie: `crm_session=${token}` } }],
      });
      results.push(result);
      rows.push(
        [
          name.padEnd(11),
          String(concurrency).padStart(4),
          fmt(result.p50).padStart(7),
          fmt(result.p95).padStart(7),
          fmt(result.p99).padStart(7),
          fmt(result.rps, 0).padStart(7),
          String(result.errors).padStart(5),
        ].join(" "),
      );
      console.log(rows[rows.length - 1]);
    }
    const [plain, seal] = results as [(typeof results)[0], (typeof results)[0]];
    rows.push(`  sealed/plain throughput at ${concurrency}: ${fmt((seal.rps / plain.rps) * 100, 0)}%`);
    console.log(rows[rows.length - 1]);
  }
  console.log(
    `\nnotes.list over HTTP, ${NOTES} notes of ${NOTE_CHARS} characters per list, one account among ${USERS + 1} ` +
      `(${USERS * PER_USER + 2} clients), ${SECONDS} s per cell (latency in ms)`,
  );
  console.log("rows        conc     p50     p95     p99   req/s  errs");
  for (const row of rows) console.log(row);
  console.log(
    `\nper note in-process: seal ${fmt(sealUs, 1)} µs, open ${fmt(openUs, 1)} µs; createNote ${fmt(writeMs, 2)} ms each`,
  );

  await server.close();
  await app.close();
  await database.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
