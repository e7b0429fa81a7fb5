import { schema } from "@crm/db";
import { sql } from "drizzle-orm";
import { signup } from "../auth/users";
import type { CoreContext } from "../context";

export const DEMO_EMAIL = "demo@example.com";
export const DEMO_PASSWORD = "demo-password";

/**
 * On a database with no users at all (a first start), creates the demo account so a newcomer can
 * sign in at once. Returns its credentials, or null when the database already had users.
 */
export async function ensureDemoAccount(ctx: CoreContext): Promise<{ email: string; password: string } | null> {
  const [row] = await ctx.db.select({ count: sql<number>`count(*)::int` }).from(schema.users);
  if ((row?.count ?? 0) > 0) return null;
  await signup(ctx, { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: "Demo User", timeZone: "America/New_York" });
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD };
}
