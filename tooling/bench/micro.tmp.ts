import { createSession, listClients, systemClock, validateSessionToken } from "@crm/core";
import { createDb, schema, startEmbeddedDatabase } from "@crm/db";
const e = await startEmbeddedDatabase({ dataDir: "/tmp/crm-dev/pg" });
const url = e.url;
const h = createDb(url, { max: 5 });
const [u] = await h.db.select({ id: schema.users.id }).from(schema.users).limit(1);
const ctx = { db: h.db, clock: systemClock };
const { token } = await createSession(ctx, u!.id);
async function time(name: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 100; i++) await fn();
  const t = performance.now(); const N = 1000;
  for (let i = 0; i < N; i++) await fn();
  console.log(name, ((performance.now() - t) / N).toFixed(3), "ms");
}
await time("validateSession", () => validateSessionToken(ctx, token));
await time("listClients", () => listClients({ ...ctx, userId: u!.id }, { limit: 20 }));
await time("raw select 1", () => h.sql`select 1`);
const q = h.sql;
await time("raw list", () => q`select * from clients where user_id = ${u!.id} and deleted_at is null order by sort_name, id limit 21`);
await h.close(); await e.stop();
