import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "./migrate";
import { readJournal, revertMigrations } from "./migrate-down";
import { schemaSnapshot, useTestDatabase } from "./testing";

const testDb = useTestDatabase();
let sql: postgres.Sql;
let migrated: string[];
const journal = readJournal();
const newest = journal[journal.length - 1]!;

beforeAll(async () => {
  sql = postgres(testDb().url, { max: 1, onnotice: () => {} });
  migrated = await schemaSnapshot(sql);
  // A database holding data: downs must run with rows in the tables they change.
  const [user] = await sql<{ id: string }[]>`
    insert into users (email, name, password_hash) values ('owner@example.com', 'Owner', 'x') returning id`;
  const [stage] = await sql<{ id: string }[]>`
    insert into pipeline_stages (user_id, name, position) values (${user!.id}, 'Lead', 0) returning id`;
  const [client] = await sql<{ id: string }[]>`
    insert into clients (user_id, first_name, email, stage_id, position, consent_basis)
    values (${user!.id}, 'Ada', 'ada@example.com', ${stage!.id}, 0, 'contract') returning id`;
  await sql`insert into client_notes (user_id, client_id, body) values (${user!.id}, ${client!.id}, 'plain note')`;
  await sql`insert into bookings (user_id, client_id, title, starts_at, ends_at, status)
    values (${user!.id}, ${client!.id}, 'Intro', now(), now() + interval '1 hour', 'confirmed')`;
  await sql`insert into bookings (user_id, title, starts_at, ends_at, source, all_day)
    values (${user!.id}, 'Busy (Google)', now() + interval '3 days', now() + interval '5 days', 'google', true)`;
  await sql`insert into email_messages (user_id, kind, to_address, status) values (${user!.id}, 'reminder', 'ada@example.com', 'sent')`;
});

afterAll(async () => {
  await sql.end({ timeout: 5 });
});

async function appliedCount(): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return row!.n;
}

describe("reversible migrations", () => {
  it("reverts only the newest migration by default, and applying it again restores the schema", async () => {
    expect(await revertMigrations(testDb().url)).toEqual([newest.tag]);
    expect(await appliedCount()).toBe(journal.length - 1);
    expect(await schemaSnapshot(sql)).not.toEqual(migrated);
    await runMigrations(testDb().url);
    expect(await schemaSnapshot(sql)).toEqual(migrated);
  });

  it("reverts down to a named migration, keeping it and the rows of the tables that stay", async () => {
    const reverted = await revertMigrations(testDb().url, { to: "0011" });
    expect(reverted).toEqual(
      journal
        .filter((e) => e.idx > 11)
        .map((e) => e.tag)
        .reverse(),
    );
    const [user] = await sql<{ email: string }[]>`select email from users`;
    expect(user?.email).toBe("owner@example.com");
    const columns = await sql<{ column_name: string }[]>`
      select column_name from information_schema.columns where table_name = 'users' and column_name like 'two_factor%'`;
    expect(columns).toEqual([]);
    await runMigrations(testDb().url);
    expect(await schemaSnapshot(sql)).toEqual(migrated);
  });

  it("reverts everything to an empty schema and builds the same schema again on top", async () => {
    const reverted = await revertMigrations(testDb().url, { all: true });
    expect(reverted).toHaveLength(journal.length);
    expect(await schemaSnapshot(sql)).toEqual([]);
    expect(await appliedCount()).toBe(0);
    await runMigrations(testDb().url);
    expect(await schemaSnapshot(sql)).toEqual(migrated);
    expect(await appliedCount()).toBe(journal.length);
  });

  it("refuses an unknown target and changes nothing", async () => {
    await expect(revertMigrations(testDb().url, { to: "9999_nope" })).rejects.toThrow(/no migration named "9999_nope"/);
    expect(await appliedCount()).toBe(journal.length);
    expect(await schemaSnapshot(sql)).toEqual(migrated);
  });

  it("rolls the whole revert back when a down refuses (sealed notes would read as ciphertext)", async () => {
    const [user] = await sql<{ id: string }[]>`
      insert into users (email, name, password_hash) values ('sealed@example.com', 'S', 'x') returning id`;
    const [client] = await sql<{ id: string }[]>`
      insert into clients (user_id, first_name) values (${user!.id}, 'Sealed') returning id`;
    await sql`insert into client_notes (user_id, client_id, body, key_version) values (${user!.id}, ${client!.id}, 'k1.x.y.z', 1)`;
    await expect(revertMigrations(testDb().url, { to: "0012" })).rejects.toThrow(/sealed notes exist/);
    expect(await appliedCount()).toBe(journal.length);
    expect(await schemaSnapshot(sql)).toEqual(migrated);
  });
});
