import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import {
  createSession,
  hashToken,
  invalidateSession,
  ROTATION_GRACE_MS,
  SESSION_IDLE_MS,
  TOKEN_ROTATE_MS,
  validateSessionToken,
} from "./sessions";

const testDb = useTestDatabase();
const minutes = (n: number) => n * 60 * 1000;

async function setup() {
  const clock = new ManualClock("2026-03-01T09:00:00Z");
  const ctx = { db: testDb().db, clock };
  const user = await createTestUser(ctx);
  const session = await createSession(ctx, user.id);
  return { ctx, clock, user, session };
}

describe("sessions", () => {
  it("stores only the SHA-256 of the token", async () => {
    const { ctx, session } = await setup();
    const rows = await ctx.db
      .select()
      .from(schema.sessionTokens)
      .where(eq(schema.sessionTokens.sessionId, session.sessionId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(hashToken(session.token));
    expect(rows[0]!.tokenHash).not.toContain(session.token);
  });

  it("accepts a fresh token without rotating it", async () => {
    const { ctx, clock, user, session } = await setup();
    clock.advance(minutes(14));
    const result = await validateSessionToken(ctx, session.token);
    expect(result).toMatchObject({ status: "valid", rotatedToken: null, sessionId: session.sessionId });
    if (result.status === "valid") expect(result.user.id).toBe(user.id);
  });

  it("replaces the token once it is 15 minutes old, and the new one works", async () => {
    const { ctx, clock, session } = await setup();
    clock.advance(TOKEN_ROTATE_MS);
    const rotated = await validateSessionToken(ctx, session.token);
    expect(rotated.status).toBe("valid");
    const newToken = rotated.status === "valid" ? rotated.rotatedToken : null;
    expect(newToken).toMatch(/^[a-z2-7]{32}$/);
    expect(newToken).not.toBe(session.token);
    const again = await validateSessionToken(ctx, newToken!);
    expect(again).toMatchObject({ status: "valid", sessionId: session.sessionId, rotatedToken: null });
  });

  it("accepts the replaced token during the grace period (concurrent requests)", async () => {
    const { ctx, clock, session } = await setup();
    clock.advance(TOKEN_ROTATE_MS);
    await validateSessionToken(ctx, session.token);
    clock.advance(ROTATION_GRACE_MS - 1000);
    expect(await validateSessionToken(ctx, session.token)).toMatchObject({ status: "valid", rotatedToken: null });
  });

  it("ends the whole session when a replaced token comes back after the grace period", async () => {
    const { ctx, clock, session } = await setup();
    clock.advance(TOKEN_ROTATE_MS);
    const rotated = await validateSessionToken(ctx, session.token);
    const newToken = rotated.status === "valid" ? rotated.rotatedToken! : "";
    clock.advance(ROTATION_GRACE_MS + 1000);
    expect(await validateSessionToken(ctx, session.token)).toEqual({ status: "stolen" });
    // The legitimate holder is signed out too: the session is gone.
    expect(await validateSessionToken(ctx, newToken)).toEqual({ status: "invalid" });
    const left = await ctx.db.select().from(schema.sessions).where(eq(schema.sessions.id, session.sessionId));
    expect(left).toHaveLength(0);
  });

  it("rotates only once when two requests race with the same old token", async () => {
    const { ctx, clock, session } = await setup();
    clock.advance(TOKEN_ROTATE_MS);
    const results = await Promise.all([
      validateSessionToken(ctx, session.token),
      validateSessionToken(ctx, session.token),
    ]);
    expect(results.every((r) => r.status === "valid")).toBe(true);
    const issued = results.filter((r) => r.status === "valid" && r.rotatedToken !== null);
    expect(issued).toHaveLength(1);
    const current = await ctx.db
      .select()
      .from(schema.sessionTokens)
      .where(eq(schema.sessionTokens.sessionId, session.sessionId));
    expect(current.filter((t) => t.retiredAt === null)).toHaveLength(1);
  });

  it("expires a session unused for 7 days, and keeps one in use alive", async () => {
    const { ctx, clock, user } = await setup();
    const idle = await createSession(ctx, user.id);
    const active = await createSession(ctx, user.id);
    // The active session is used every 6 days, rotating its token each time.
    let activeToken = active.token;
    for (let i = 0; i < 3; i++) {
      clock.advance(6 * 24 * 60 * minutes(1));
      const result = await validateSessionToken(ctx, activeToken);
      expect(result.status).toBe("valid");
      if (result.status === "valid" && result.rotatedToken) activeToken = result.rotatedToken;
    }
    expect(await validateSessionToken(ctx, idle.token)).toEqual({ status: "expired" });
    clock.advance(SESSION_IDLE_MS);
    expect(await validateSessionToken(ctx, activeToken)).toEqual({ status: "expired" });
  });

  it("refuses unknown, malformed and signed-out tokens", async () => {
    const { ctx, session } = await setup();
    expect(await validateSessionToken(ctx, "not-a-token")).toEqual({ status: "invalid" });
    expect(await validateSessionToken(ctx, "a".repeat(32))).toEqual({ status: "invalid" });
    await invalidateSession(ctx, session.sessionId);
    expect(await validateSessionToken(ctx, session.token)).toEqual({ status: "invalid" });
  });
});
