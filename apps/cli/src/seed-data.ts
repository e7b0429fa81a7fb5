import { type CoreContext, createDefaultStages, hashPassword } from "@crm/core";
import { schema } from "@crm/db";
import { faker } from "@faker-js/faker";
import { asc, eq } from "drizzle-orm";

export interface SeedOptions {
  users: number;
  clientsPerUser: number;
  /** Deterministic data for benchmarks and tests. */
  seed?: number;
  onProgress?: (usersDone: number) => void;
}

export interface SeedResult {
  users: number;
  clients: number;
  firstEmail: string | null;
  password: string;
}

export const SEED_PASSWORD = "seed-password";
const ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Australia/Sydney"];

/**
 * Realistic fake accounts in bulk. Every seeded user shares one password (hashing argon2 per user
 * would dominate the run); rows go in with multi-row inserts per user.
 */
export async function seedDatabase(ctx: CoreContext, options: SeedOptions): Promise<SeedResult> {
  faker.seed(options.seed ?? Date.now());
  const passwordHash = await hashPassword(SEED_PASSWORD);
  const runId = Date.now().toString(36);
  let firstEmail: string | null = null;
  let clients = 0;
  const USER_BATCH = 100;
  for (let start = 0; start < options.users; start += USER_BATCH) {
    const batch = Array.from({ length: Math.min(USER_BATCH, options.users - start) }, (_, i) => {
      const first = faker.person.firstName();
      const last = faker.person.lastName();
      return {
        email: `${first}.${last}.${runId}.${start + i}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ""),
        name: `${first} ${last}`,
        passwordHash,
        timeZone: faker.helpers.arrayElement(ZONES),
        phoneRegion: "US",
      };
    });
    const inserted = await ctx.db
      .insert(schema.users)
      .values(batch)
      .returning({ id: schema.users.id, email: schema.users.email });
    firstEmail ??= inserted[0]?.email ?? null;
    for (const user of inserted) {
      await createDefaultStages(ctx, user.id);
      clients += await seedClientsFor(ctx, user.id, options.clientsPerUser);
    }
    options.onProgress?.(start + batch.length);
  }
  return { users: options.users, clients, firstEmail, password: SEED_PASSWORD };
}

const STATUSES = ["active", "active", "active", "inactive", "archived"] as const;
const TAGS = ["vip", "referral", "newsletter", "coaching", "workshop", "retainer", "online", "in-person"];
const SOURCES = ["Website", "Referral", "Instagram", "LinkedIn", "Event", "Google"];
const AREA_CODES = ["212", "310", "415", "512", "617", "646", "720", "773", "206", "305"];

/** Fake clients for one user, spread over their stages (positions 0..n-1 per stage). */
export async function seedClientsFor(ctx: CoreContext, userId: string, count: number): Promise<number> {
  if (count === 0) return 0;
  const stages = await ctx.db
    .select({ id: schema.pipelineStages.id })
    .from(schema.pipelineStages)
    .where(eq(schema.pipelineStages.userId, userId))
    .orderBy(asc(schema.pipelineStages.position));
  const nextPosition = new Map<string, number>();
  const now = ctx.clock.now().getTime();
  const rows = Array.from({ length: count }, (_, i) => {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const stage = stages.length ? stages[i % stages.length]!.id : null;
    const position = stage ? (nextPosition.get(stage) ?? 0) : null;
    if (stage) nextPosition.set(stage, position! + 1);
    const created = new Date(now - faker.number.int({ min: 0, max: 400 * 24 * 3600 * 1000 }));
    return {
      userId,
      firstName,
      lastName,
      // The index keeps emails unique per owner; the row number makes sure of it.
      email: `${firstName}.${lastName}.${i}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ""),
      phone: `+1${faker.helpers.arrayElement(AREA_CODES)}555${String(faker.number.int({ min: 0, max: 9999 })).padStart(4, "0")}`,
      company: faker.datatype.boolean(0.6) ? faker.company.name() : null,
      status: faker.helpers.arrayElement(STATUSES),
      stageId: stage,
      position,
      tags: faker.helpers.arrayElements(TAGS, { min: 0, max: 3 }),
      source: faker.helpers.arrayElement(SOURCES),
      createdAt: created,
      updatedAt: created,
    };
  });
  const BATCH = 1000;
  for (let start = 0; start < rows.length; start += BATCH) {
    await ctx.db.insert(schema.clients).values(rows.slice(start, start + BATCH));
  }
  return count;
}
