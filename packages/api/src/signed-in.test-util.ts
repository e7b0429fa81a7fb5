/** What the router tests share: a new user, signed in through a real session, calling procedures in-process. */
import { createSession, ManualClock, validateSessionToken } from "@crm/core";
import { createTestUser, testDataKeys } from "@crm/core/testing";
import type { Database } from "@crm/db";
import { createInnerContext } from "./context";
import { createCaller } from "./root";

export async function signedInCaller(db: Database) {
  const deps = {
    db,
    clock: new ManualClock("2026-03-01T09:00:00Z"),
    appUrl: "http://localhost:3000",
    dataKeys: testDataKeys,
  };
  const user = await createTestUser(deps);
  const { token } = await createSession(deps, user.id);
  const session = await validateSessionToken(deps, token);
  if (session.status !== "valid") throw new Error("no session");
  const caller = createCaller(createInnerContext(deps, { user: session.user, sessionId: session.sessionId }));
  return { caller, user, deps };
}
