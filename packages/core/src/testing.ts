// Test-only entry ("@crm/core/testing"): factories that go through core's own verbs. Not exported from
// the package's index, so production code never ships them.
import { createSession } from "./auth/sessions";
import { type PublicUser, signup } from "./auth/users";
import type { CoreContext } from "./context";
import type { DataKeyring } from "./crypto/data-key";

let counter = 0;

/** A unique, valid email for a test. */
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.com`;
}

export const TEST_PASSWORD = "correct-horse-battery";

export async function createTestUser(
  ctx: CoreContext,
  overrides: Partial<{ email: string; name: string; timeZone: string; password: string }> = {},
): Promise<PublicUser> {
  return signup(ctx, {
    email: overrides.email ?? uniqueEmail(),
    name: overrides.name ?? "Test User",
    password: overrides.password ?? TEST_PASSWORD,
    timeZone: overrides.timeZone ?? "Europe/Berlin",
  });
}

export async function createSignedInUser(ctx: CoreContext, overrides: Parameters<typeof createTestUser>[1] = {}) {
  const user = await createTestUser(ctx, overrides);
  const session = await createSession(ctx, user.id);
  return { user, ...session };
}

/** Reads a zip (the account export) and parses CSV in tests. */
export { parseCsv, unzip } from "./privacy/export/unzip.test-util";
/**
 * The data key test contexts carry: sealed fields (notes, booking notes, two-factor secrets) are
 * never written without one, in tests as in production.
 */
export const testDataKeys: DataKeyring = { current: { version: 1, key: new Uint8Array(32).fill(9) } };
