import { createSession, hashToken, systemClock } from "@crm/core";
import { createDb, schema, startEmbeddedDatabase } from "@crm/db";
import { eq } from "drizzle-orm";
const e = await startEmbeddedDatabase({ dataDir: "/tmp/crm-dev/pg" });
const h = createDb(e.url, { max: 5 });
const [u] = await h.db.select({ id: schema.users.id }).from(schema.users).limit(1);
const ctx = { db: h.db, clock: systemClock };
const { token } = await createSession(ctx, u!.id);
const { sessionTokens, sessions, users } = schema;
async function time(name: string, fn: () => unknown) {
  for (let i = 0; i < 100; i++) await fn();
  const t = performance.now(); const N = 500;
  for (let i = 0; i < N; i++) await fn();
  console.log(name, ((performance.now() - t) / N).toFixed(3), "ms");
}
await time("hash", () => hashToken(token));
const th = hashToken(token);
await time("join query", () => h.db.select({ token: sessionTokens, session: sessions, user: users }).from(sessionTokens).innerJoin(sessions, eq(sessions.id, sessionTokens.sessionId)).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessionTokens.tokenHash, th)).limit(1));
const q = `select * from session_tokens t join sessions s on s.id = t.session_id join users u on u.id = s.user_id where t.token_hash = $1 limit 1`;
await time("unsafe noprepare", () => h.sql.unsafe(q, [th], { prepare: false }));
await time("unsafe prepare", () => h.sql.unsafe(q, [th], { prepare: true }));
await time("simple select", () => h.sql.unsafe("select * from users where id = $1", [u!.id], { prepare: false }));
await time("drizzle users", () => h.db.select().from(users).where(eq(users.id, u!.id)));
const r = await h.sql.unsafe(`explain analyze select * from session_tokens t join sessions s on s.id = t.session_id join users u on u.id = s.user_id where t.token_hash = '${th}' limit 1`);
console.log(r.map((x) => Object.values(x)[0]).join("\n"));
await h.close(); await e.stop();
