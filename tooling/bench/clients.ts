/**
 * `pnpm bench`: the client list and search over HTTP (tRPC, with sessions) beside the same SQL on a
 * bare Fastify route over raw postgres (the ceiling), at 500k clients. Prints numbers; asserts none.
 *
 * Env: BENCH_USERS (1000), BENCH_CLIENTS_PER_USER (500), BENCH_SECONDS per scenario (8),
 * BENCH_CONCURRENCY (the levels, "1,10,50"),
 * BENCH_DATABASE_URL (default: a throwaway embedded PostgreSQL), BENCH_RATE_LIMITS=off (requests
 * not counted against a budget: only to measure what counting costs), BENCH_SEED=existing (reuse an
 * earlier run's seed on BENCH_DATABASE_URL), BENCH_SCENARIOS (e.g.
 * "list page 1": only the scenarios whose name starts with one of these, comma-separated).
 */
import { appRouter, createInnerContext } from "@crm/api";
import { createSession, systemClock, validateSessionToken } from "@crm/core";
import { createDb, runMigrations, schema } from "@crm/db";
import { buildApp } from "@crm/server";
import { sql } from "drizzle-orm";
import Fastify from "fastify";
import postgres from "postgres";
import superjson from "superjson";
import { benchDatabase, fmt, type LoadResult, loadInWorker, runCli } from "./harness";

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const PER_USER = Number(process.env.BENCH_CLIENTS_PER_USER ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,10,50").split(",").map(Number);
const SAMPLE_USERS = 200;

async function main() {
  const database = await benchDatabase();
  await runMigrations(database.url);
  // BENCH_SEED=existing reuses what an earlier run seeded on BENCH_DATABASE_URL (for A/B runs back to back).
  const countSql = postgres(database.url, { max: 1 });
  const [{ count } = { count: 0 }] = await countSql<{ count: number }[]>`select count(*)::int as count from users`;
  await countSql.end();
  if (process.env.BENCH_SEED === "existing" && count > 0) {
    console.log(`Reusing the ${count} users already seeded`);
  } else {
    const seeded = performance.now();
    console.log(`Seeding ${USERS} users x ${PER_USER} clients with the CLI...`);
    runCli(["seed", "--users", String(USERS), "--clients-per-user", String(PER_USER)], database.url);
    const seedSeconds = (performance.now() - seeded) / 1000;
    console.log(`seed: ${fmt(seedSeconds)} s, ${fmt((USERS * PER_USER) / seedSeconds, 0)} clients/s`);
  }

  // Capture the exact SQL the app sends, to replay it raw for the ceiling.
  const captured: { query: string; params: unknown[] }[] = [];
  const app = createDb(database.url, { max: 20, applicationName: "crm-bench-app" });
  const probe = createDb(database.url, {
    max: 2,
    logger: { logQuery: (query, params) => void captured.push({ query, params }) },
  });
  await app.sql`analyze`;

  const users = await app.db.select({ id: schema.users.id }).from(schema.users).limit(SAMPLE_USERS);
  const sessions: { cookie: string; userId: string }[] = [];
  for (const user of users) {
    const { token } = await createSession({ db: app.db, clock: systemClock }, user.id);
    sessions.push({ cookie: `crm_session=${token}`, userId: user.id });
  }
  // A deep cursor: page 20 of the first sampled user (reused for every user: same shape of query).
  const first = sessions[0]!;
  const check = await validateSessionToken({ db: probe.db, clock: systemClock }, first.cookie.split("=")[1]!);
  if (check.status !== "valid") throw new Error("bench session invalid");
  const caller = appRouter.createCaller(
    createInnerContext(
      { db: probe.db, clock: systemClock, appUrl: "http://127.0.0.1" },
      { user: check.user, sessionId: check.sessionId },
    ),
  );
  let cursor: string | null = null;
  for (let page = 0; page < 19; page++) cursor = (await caller.clients.list({ limit: 20, cursor })).nextCursor;
  const deepCursor = cursor!;

  // A prefix as typed (exact matches only), and a typo of 4+ letters (the typo-tolerant path).
  const [term, typo] = ["smi", "smiht"] as const;
  captured.length = 0;
  await caller.clients.list({ limit: 20 });
  const page1Sql = captured.find((c) => c.query.includes('from "clients"'))!;
  captured.length = 0;
  await caller.clients.list({ limit: 20, cursor: deepCursor });
  const deepSql = captured.find((c) => c.query.includes('from "clients"'))!;
  const searchSqlFor = async (query: string) => {
    captured.length = 0;
    await caller.clients.list({ limit: 20, query });
    return captured.find((c) => c.query.includes("word_similarity"))!;
  };
  const searchSql = await searchSqlFor(term);
  const typoSql = await searchSqlFor(typo);

  for (const [query, captured] of [
    [term, searchSql],
    [typo, typoSql],
  ] as const) {
    const explain = await app.sql.unsafe(
      `explain (analyze, buffers off) ${captured.query}`,
      captured.params as never[],
    );
    console.log(`\nEXPLAIN ANALYZE of the search "${query}" for one owner among ${USERS * PER_USER} clients:`);
    for (const row of explain) console.log(`  ${Object.values(row)[0]}`);
  }

  // The ceiling: the same SQL over raw postgres (prepared), no tRPC, no session check.
  const raw = postgres(database.url, { max: 20, onnotice: () => {} });
  const bare = Fastify({ logger: false });
  const replay = (captured: { query: string; params: unknown[] }) => (userId: string) =>
    raw.unsafe(captured.query, captured.params.map((p) => (p === first.userId ? userId : p)) as never[], {
      prepare: true,
    });
  const routes = {
    page1: replay(page1Sql),
    deep: replay(deepSql),
    search: replay(searchSql),
    typo: replay(typoSql),
  };
  bare.get("/list/:kind/:userId", async (request) => {
    const { kind, userId } = request.params as { kind: keyof typeof routes; userId: string };
    return routes[kind](userId);
  });
  await bare.listen({ port: 0, host: "127.0.0.1" });
  const barePort = (bare.server.address() as { port: number }).port;

  // Requests are counted as in production (the cost is part of what is measured), under a limit
  // no run can reach. BENCH_RATE_LIMITS=off leaves counting out, only to measure what it costs.
  const server = await buildApp({
    db: app.db,
    clock: systemClock,
    appUrl: "http://127.0.0.1",
    webDistDir: null,
    ...(process.env.BENCH_RATE_LIMITS !== "off" && {
      limits: { perUserPerHour: 1_000_000_000, authPerIpPerMinute: 1_000_000_000 },
    }),
  });
  await server.listen({ port: 0, host: "127.0.0.1" });
  const appPort = (server.server.address() as { port: number }).port;

  const trpcPath = (input: unknown) =>
    `/trpc/clients.list?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const scenarios = [
    { name: "list page 1", kind: "page1", input: { limit: 20 } },
    { name: "list deep cursor", kind: "deep", input: { limit: 20, cursor: deepCursor } },
    { name: `search "${term}"`, kind: "search", input: { limit: 20, query: term } },
    { name: `search "${typo}"`, kind: "typo", input: { limit: 20, query: typo } },
  ] as const;

  const only = process.env.BENCH_SCENARIOS?.split(",").map((name) => name.trim());
  const rows: string[] = [];
  for (const scenario of scenarios.filter((s) => !only || only.some((name) => s.name.startsWith(name)))) {
    for (const concurrency of CONCURRENCY) {
      const ceiling: LoadResult = await loadInWorker({
        port: barePort,
        concurrency,
        seconds: SECONDS,
        requests: sessions.map((s) => ({ path: `/list/${scenario.kind}/${s.userId}` })),
      });
      const measured: LoadResult = await loadInWorker({
        port: appPort,
        concurrency,
        seconds: SECONDS,
        requests: sessions.map((s) => ({ path: trpcPath(scenario.input), headers: { cookie: s.cookie } })),
      });
      rows.push(
        [
          scenario.name.padEnd(18),
          String(concurrency).padStart(4),
          fmt(measured.p50).padStart(7),
          fmt(measured.p95).padStart(7),
          fmt(measured.p99).padStart(7),
          fmt(measured.rps, 0).padStart(7),
          fmt(ceiling.p95).padStart(9),
          fmt(ceiling.rps, 0).padStart(9),
          `${fmt((measured.rps / ceiling.rps) * 100, 0)}%`.padStart(7),
          String(measured.errors + ceiling.errors).padStart(5),
        ].join(" "),
      );
      console.log(rows[rows.length - 1]);
    }
  }
  console.log(
    `\nclients.list over HTTP, ${USERS * PER_USER} clients, ${SECONDS} s per cell (latency in ms; load generator on its own thread)`,
  );
  console.log("scenario           conc     p50     p95     p99   req/s  ceil p95 ceil req/s  ratio  errs");
  for (const row of rows) console.log(row);

  await server.close();
  await bare.close();
  await raw.end();
  await probe.close();
  await app.close();
  await database.stop();
  void sql;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
