import { createSession, ManualClock, validateSessionToken } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { createInnerContext } from "../context";
import { createCaller } from "../root";

const testDb = useTestDatabase();

async function signedIn() {
  const deps = { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z"), appUrl: "http://localhost:3000" };
  const user = await createTestUser(deps);
  const { token } = await createSession(deps, user.id);
  const session = await validateSessionToken(deps, token);
  if (session.status !== "valid") throw new Error("no session");
  return createCaller(createInnerContext(deps, { user: session.user, sessionId: session.sessionId }));
}

describe("emails.list cursors", () => {
  it("answers a cursor that does not decode to valid values with BAD_REQUEST 'Invalid cursor'", async () => {
    const caller = await signedIn();
    for (const cursor of ["garbage", "2026-02-01T00:00:00.000Z|not-a-uuid", "-200000-01-01T00:00:00.000Z|x"]) {
      const error = await caller.emails.list({ cursor }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, cursor).toBeInstanceOf(TRPCError);
      expect(error, cursor).toMatchObject({ code: "BAD_REQUEST", message: "Invalid cursor" });
    }
    expect(await caller.emails.list({})).toEqual({ items: [], nextCursor: null });
  });
});
