import { createSession, ManualClock, validateSessionToken } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { type Context, createInnerContext, memoryCookieJar } from "../context";
import { createCaller } from "../root";

const testDb = useTestDatabase();
const MAC_CHROME =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

async function setup() {
  const clock = new ManualClock("2026-03-01T09:00:00Z");
  const deps = { db: testDb().db, clock, appUrl: "http://localhost:3000" };
  const user = await createTestUser(deps);
  const laptop = await createSession(deps, user.id, { userAgent: MAC_CHROME, ip: "203.0.113.7" });
  clock.advance(60_000);
  const phone = await createSession(deps, user.id, { userAgent: IPHONE_SAFARI, ip: "198.51.100.20" });
  const stranger = await createTestUser(deps);
  const strangers = await createSession(deps, stranger.id, { userAgent: MAC_CHROME });
  const evicted: string[] = [];
  const callerFor = async (token: string) => {
    const session = await validateSessionToken(deps, token);
    if (session.status !== "valid") throw new Error("no session");
    const jar = memoryCookieJar();
    const ctx: Context = {
      ...createInnerContext(deps, { user: session.user, sessionId: session.sessionId }, jar),
      sessionCache: { evictSession: (id) => void evicted.push(id), evictUser: () => {} },
    };
    return { caller: createCaller(ctx), jar };
  };
  return { deps, clock, user, laptop, phone, strangers, evicted, callerFor };
}

describe("auth.sessions", () => {
  it("lists the user's sessions with device, IP and this device, most recent first", async () => {
    const { laptop, phone, callerFor } = await setup();
    const { caller } = await callerFor(laptop.token);
    const list = await caller.auth.sessions();
    expect(list.map((s) => s.id)).toEqual([phone.sessionId, laptop.sessionId]);
    expect(list[0]).toMatchObject({ device: "Safari on iPhone", ip: "198.51.100.20", current: false });
    expect(list[1]).toMatchObject({ device: "Chrome on macOS", ip: "203.0.113.7", current: true });
    expect(list[1]!.createdAt).toBeInstanceOf(Date);
    expect(list[1]!.lastUsedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(list)).not.toContain(laptop.token);
  });

  it("ends another session of the user (evicting it from the cache); a foreign id is NOT_FOUND", async () => {
    const { deps, laptop, phone, strangers, evicted, callerFor } = await setup();
    const { caller, jar } = await callerFor(laptop.token);
    await expect(caller.auth.revokeSession({ id: strangers.sessionId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await validateSessionToken(deps, strangers.token)).status).toBe("valid");
    await expect(caller.auth.revokeSession({ id: "no-such-session" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    expect(await caller.auth.revokeSession({ id: phone.sessionId })).toEqual({ signedOut: false });
    expect(evicted).toEqual([phone.sessionId]);
    expect((await validateSessionToken(deps, phone.token)).status).toBe("invalid");
    expect(jar.token).toBeUndefined();
    await expect(caller.auth.revokeSession({ id: phone.sessionId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("ending this device's own session signs it out", async () => {
    const { deps, laptop, callerFor } = await setup();
    const { caller, jar } = await callerFor(laptop.token);
    expect(await caller.auth.revokeSession({ id: laptop.sessionId })).toEqual({ signedOut: true });
    expect(jar.token).toBeNull();
    expect((await validateSessionToken(deps, laptop.token)).status).toBe("invalid");
  });

  it("ends every other session and keeps this one and other users'", async () => {
    const { deps, user, laptop, phone, strangers, evicted, callerFor } = await setup();
    const third = await createSession(deps, user.id);
    const { caller } = await callerFor(laptop.token);
    expect(await caller.auth.revokeOtherSessions()).toEqual({ ended: 2 });
    expect(evicted.sort()).toEqual([phone.sessionId, third.sessionId].sort());
    expect((await caller.auth.sessions()).map((s) => s.id)).toEqual([laptop.sessionId]);
    expect((await validateSessionToken(deps, strangers.token)).status).toBe("valid");
  });
});
