/**
 * Sign-in latency while a burst of sign-ups hashes passwords (argon2 on libuv's threadpool). For each
 * round: sign-ins one after another, alone (the baseline), then the same while BENCH_SIGNUPS
 * concurrent sign-ups arrive from as many addresses (X-Forwarded-For behind a trusted proxy). Runs
 * "unbounded" (every hash at once: the behaviour before hashing had lanes) and "bounded" (the
 * default lanes), alternating. Prints numbers; asserts none.
 *
 * Env: BENCH_SIGNUPS (50), BENCH_ROUNDS (3), BENCH_DATABASE_URL (default: a throwaway embedded
 * PostgreSQL).
 */
import { setPasswordHashConcurrency, systemClock } from "@crm/core";
import { createDb, runMigrations } from "@crm/db";
import { buildApp } from "@crm/server";
import { benchDatabase, fmt } from "./harness";

const SIGNUPS = Number(process.env.BENCH_SIGNUPS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PASSWORD = "correct-horse-battery-staple";
const APP_URL = "http://127.0.0.1";

let addressCounter = 0;
/** A fresh client address per request, so the per-IP limits stay out of the measurement. */
const nextAddress = () => {
  addressCounter++;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
};

async function main() {
  const database = await benchDatabase();
  await runMigrations(database.url);
  const handle = createDb(database.url, { max: 20, applicationName: "crm-bench-signup" });
  const server = await buildApp({
    db: handle.db,
    clock: systemClock,
    appUrl: APP_URL,
    webDistDir: null,
    trustProxy: ["127.0.0.1"],
    limits: { perUserPerHour: 1_000_000, authPerIpPerMinute: 20 },
  });
  await server.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;

  const post = async (procedure: string, input: unknown) => {
    const started = performance.now();
    const response = await fetch(`${base}/trpc/${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: APP_URL, "x-forwarded-for": nextAddress() },
      body: JSON.stringify({ json: input }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${procedure} answered ${response.status}`);
    return performance.now() - started;
  };

  let signupCounter = 0;
  const signUp = () =>
    post("auth.signup", { email: `burst-${Date.now()}-${signupCounter++}@example.com`, password: PASSWORD, name: "B" });
  const email = "bench-signin@example.com";
  await post("auth.signup", { email, password: PASSWORD, name: "Signs in" });
  const signIn = () => post("auth.login", { email, password: PASSWORD });

  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  };

  const rows: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of ["unbounded", "bounded"] as const) {
      setPasswordHashConcurrency(mode === "unbounded" ? Number.POSITIVE_INFINITY : undefined);
      const alone: number[] = [];
      for (let i = 0; i < 10; i++) alone.push(await signIn());

      const during: number[] = [];
      let burstDone = false;
      const burstStarted = performance.now();
      const burst = Promise.all(Array.from({ length: SIGNUPS }, signUp)).finally(() => {
        burstDone = true;
      });
      while (!burstDone) during.push(await signIn());
      const signupLatencies = await burst;
      const burstSeconds = (performance.now() - burstStarted) / 1000;
      rows.push(
        [
          mode.padEnd(10),
          String(round).padStart(5),
          fmt(percentile(alone, 50)).padStart(8),
          fmt(percentile(during, 50)).padStart(8),
          fmt(Math.max(...during)).padStart(8),
          String(during.length).padStart(6),
          fmt(burstSeconds, 2).padStart(8),
          fmt(percentile(signupLatencies, 50)).padStart(9),
          fmt(Math.max(...signupLatencies)).padStart(9),
        ].join(" "),
      );
      console.log(rows[rows.length - 1]);
    }
  }
  console.log(`\nSign-in latency (ms) during a burst of ${SIGNUPS} concurrent sign-ups, ${ROUNDS} rounds`);
  console.log("hashing    round  alone50  during50 duringMax  n   burst s signup50 signupMax");
  for (const row of rows) console.log(row);

  await server.close();
  await handle.close();
  await database.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
