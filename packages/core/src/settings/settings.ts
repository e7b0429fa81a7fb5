import { schema } from "@crm/db";
import { messages, type SettingsUpdateInput, settingsUpdateInput } from "@crm/shared";
import { eq, sql } from "drizzle-orm";
import { type PublicUser, toPublicUser } from "../auth/users";
import type { AuthedContext } from "../context";
import { DomainError } from "../errors";
import { syncUpcomingReminders } from "../reminders/reminders";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";

const { users } = schema;

export async function getSettings(ctx: AuthedContext): Promise<PublicUser> {
  const [row] = await ctx.db.select().from(users).where(eq(users.id, ctx.userId)).limit(1);
  if (!row) throw new DomainError("NOT_FOUND", messages.notFound);
  return toPublicUser(row);
}

export async function updateSettings(ctx: AuthedContext, rawInput: SettingsUpdateInput): Promise<PublicUser> {
  const input = parseInput(settingsUpdateInput, rawInput);
  return inTransaction(ctx, async (tx) => {
    const before = await getSettings(tx);
    const user = await writeSettings(tx, input);
    // Reminders go out at the same wall-clock time in the owner's zone: a new zone moves them.
    if (input.timeZone && input.timeZone !== before.timeZone) await syncUpcomingReminders(tx);
    return user;
  });
}

async function writeSettings(ctx: AuthedContext, input: SettingsUpdateInput): Promise<PublicUser> {
  const [row] = await ctx.db
    .update(users)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
      ...(input.phoneRegion !== undefined && { phoneRegion: input.phoneRegion }),
      updatedAt: ctx.clock.now(),
      version: sql`${users.version} + 1`,
    })
    .where(eq(users.id, ctx.userId))
    .returning();
  if (!row) throw new DomainError("NOT_FOUND", messages.notFound);
  return toPublicUser(row);
}
