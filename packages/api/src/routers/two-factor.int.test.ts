import {
  createPasswordResetLink,
  createSession,
  DataKeyError,
  type DataKeyring,
  generateTotpAt,
  ManualClock,
  openData,
  totpKeyFromText,
  validateSessionToken,
} from "@crm/core";
import { createTestUser, TEST_PASSWORD } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { createInnerContext, memoryCookieJar } from "../context";
import { createCaller } from "../root";

const testDb = useTestDatabase();
const dataKeys: DataKeyring = { current: { version: 1, key: new Uint8Array(32).fill(7) } };

/** The code an authenticator app shows for `secret` at the clock's time, `offsetSteps` 30-second steps away. */
function codeAt(secret: string, clock: ManualClock, offsetSteps = 0): string {
  return generateTotpAt(totpKeyFromText(secret), new Date(clock.now().getTime() + offsetSteps * 30_000));
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: { code?: string; message?: string; cause?: unknown }) => error,
  );

async function setup() {
  const clock = new ManualClock("2026-03-01T09:00:10Z");
  const deps = { db: testDb().db, clock, appUrl: "http://localhost:3000", dataKeys };
  const user = await createTestUser(deps);
  const { token } = await createSession(deps, user.id);
  const session = await validateSessionToken(deps, token);
  if (session.status !== "valid") throw new Error("no session");
  const caller = createCaller(createInnerContext(deps, { user: session.user, sessionId: session.sessionId }));
  /** A browser that is not signed in: its jar keeps the cookies between calls. */
  const browser = () => {
    const jar = memoryCookieJar();
    return { jar, caller: createCaller(createInnerContext(deps, null, jar)) };
  };
  const turnOn = async () => {
    const { secret } = await caller.auth.twoFactor.setup();
    const { recoveryCodes } = await caller.auth.twoFactor.enable({ code: codeAt(secret, clock) });
    // The code used to turn it on is spent: sign-ins in these tests use the next step's.
    clock.advance(30_000);
    return { secret, recoveryCodes };
  };
  const login = (b: ReturnType<typeof browser>) => b.caller.auth.login({ email: user.email, password: TEST_PASSWORD });
  return { clock, deps, user, caller, browser, turnOn, login };
}

describe("two-factor setup", () => {
  it("answers a base32 secret and an otpauth URI, and stores the secret sealed, for this user only", async () => {
    const { caller, deps, user } = await setup();
    const { secret, uri } = await caller.auth.twoFactor.setup();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe("otpauth:");
    expect(parsed.searchParams.get("secret")).toBe(secret);
    expect(parsed.searchParams.get("period")).toBe("30");
    expect(decodeURIComponent(parsed.pathname)).toContain(user.email);

    const row = (await deps.db.select().from(schema.users)).find((u) => u.id === user.id);
    expect(row!.twoFactorSecret).not.toContain(secret);
    expect(row!.twoFactorSecret).toMatch(/^k1\./);
    expect(row!.twoFactorEnabledAt).toBeNull();
    expect(openData(dataKeys, row!.twoFactorSecret!, user.id)).toBe(secret);
    const other = await createTestUser(deps);
    expect(() => openData(dataKeys, row!.twoFactorSecret!, other.id)).toThrow(DataKeyError);
    expect(await caller.auth.twoFactor.status()).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
  });

  it("turns on only with a valid code, and answers 10 recovery codes stored hashed", async () => {
    const { caller, clock, deps, user } = await setup();
    const { secret } = await caller.auth.twoFactor.setup();
    const wrong = await rejection(caller.auth.twoFactor.enable({ code: codeAt(secret, clock, 5) }));
    expect(wrong).toMatchObject({ code: "BAD_REQUEST" });
    expect(await caller.auth.twoFactor.status()).toMatchObject({ enabled: false });

    const { recoveryCodes } = await caller.auth.twoFactor.enable({ code: codeAt(secret, clock) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const stored = (await deps.db.select().from(schema.twoFactorRecoveryCodes)).filter((r) => r.userId === user.id);
    expect(stored).toHaveLength(10);
    for (const row of stored) expect(recoveryCodes).not.toContain(row.codeHash);
    expect(await caller.auth.twoFactor.status()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    // A second setup would silently replace the secret the app holds.
    expect(await rejection(caller.auth.twoFactor.setup())).toMatchObject({ code: "UNPROCESSABLE_CONTENT" });
  });

  it("fails clearly when the server has no data key", async () => {
    const clock = new ManualClock("2026-03-01T09:00:00Z");
    const deps = { db: testDb().db, clock, appUrl: "http://localhost:3000" };
    const user = await createTestUser(deps);
    const { token } = await createSession(deps, user.id);
    const session = await validateSessionToken(deps, token);
    if (session.status !== "valid") throw new Error("no session");
    const caller = createCaller(createInnerContext(deps, { user: session.user, sessionId: session.sessionId }));
    const error = await rejection(caller.auth.twoFactor.setup());
    expect(error).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    expect(String((error as { cause?: Error }).cause?.message)).toMatch(/DATA_ENCRYPTION_KEY/);
  });
});

describe("sign-in with two-factor", () => {
  it("answers twoFactorRequired and no session, then signs in with the code", async () => {
    const { clock, browser, turnOn, login, user } = await setup();
    const { secret } = await turnOn();
    const b = browser();
    expect(await login(b)).toEqual({ twoFactorRequired: true });
    expect(b.jar.token).toBeUndefined();
    expect(b.jar.twoFactorToken).toMatch(/^[a-z2-7]{32}$/);

    const signedIn = await b.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) });
    expect(signedIn.id).toBe(user.id);
    expect(b.jar.token).toMatch(/^[a-z2-7]{32}$/);
    expect(b.jar.twoFactorToken).toBeUndefined();
  });

  it("refuses a code used before (replay), even from another sign-in", async () => {
    const { clock, browser, turnOn, login, user } = await setup();
    const { secret } = await turnOn();
    const code = codeAt(secret, clock);
    const first = browser();
    await login(first);
    await first.caller.auth.verifyTwoFactor({ code });

    const second = browser();
    await login(second);
    const replay = await rejection(second.caller.auth.verifyTwoFactor({ code }));
    expect(replay).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/already used/) });
    expect(second.jar.token).toBeUndefined();
    // An older step's code (still inside the window) is refused too: steps only move forward.
    const older = await rejection(second.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock, -1) }));
    expect(older).toMatchObject({ code: "BAD_REQUEST" });
    clock.advance(30_000);
    expect((await second.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) })).id).toBe(user.id);
  });

  it("accepts a code one step early or late, not two", async () => {
    const { clock, browser, turnOn, login } = await setup();
    const { secret } = await turnOn();
    const b = browser();
    await login(b);
    expect(await rejection(b.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock, 2) }))).toMatchObject({
      code: "BAD_REQUEST",
    });
    await b.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock, 1) });
    expect(b.jar.token).toMatch(/^[a-z2-7]{32}$/);
  });

  it("gives 5 minutes for the second step, then sends back to the password", async () => {
    const { clock, browser, turnOn, login } = await setup();
    const { secret } = await turnOn();
    const late = browser();
    await login(late);
    clock.advance(5 * 60 * 1000);
    const expired = await rejection(late.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) }));
    expect(expired).toMatchObject({ code: "UNAUTHORIZED", message: expect.stringMatching(/5 minutes/) });

    const inTime = browser();
    await login(inTime);
    clock.advance(5 * 60 * 1000 - 1000);
    await inTime.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) });
    expect(inTime.jar.token).toMatch(/^[a-z2-7]{32}$/);
    // The challenge is spent: the same cookie cannot sign in twice.
    clock.advance(30_000);
    const again = await rejection(inTime.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) }));
    expect(again).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("ends sign-ins waiting for their code when the password changes", async () => {
    const { clock, caller, browser, turnOn, login } = await setup();
    const { secret } = await turnOn();
    const pending = browser();
    await login(pending);
    await caller.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: "a-brand-new-password" });
    const refused = await rejection(pending.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) }));
    expect(refused).toMatchObject({ code: "UNAUTHORIZED" });
    expect(pending.jar.token).toBeUndefined();
  });

  it("refuses the second step without a pending sign-in", async () => {
    const { clock, browser, turnOn } = await setup();
    const { secret } = await turnOn();
    const b = browser();
    expect(await rejection(b.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) }))).toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("accepts each recovery code once, even when two sign-ins race with the same one", async () => {
    const { browser, turnOn, login, caller } = await setup();
    const { recoveryCodes } = await turnOn();
    const [a, b] = [browser(), browser()];
    await login(a);
    await login(b);
    const code = recoveryCodes[0]!.toUpperCase().replace("-", " ");
    const results = await Promise.allSettled([
      a.caller.auth.verifyTwoFactor({ code }),
      b.caller.auth.verifyTwoFactor({ code }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(loser.reason).toMatchObject({ code: "BAD_REQUEST" });
    expect([a.jar.token, b.jar.token].filter(Boolean)).toHaveLength(1);

    const c = browser();
    await login(c);
    expect(await rejection(c.caller.auth.verifyTwoFactor({ code: recoveryCodes[0]! }))).toMatchObject({
      code: "BAD_REQUEST",
    });
    await c.caller.auth.verifyTwoFactor({ code: recoveryCodes[1]! });
    expect(c.jar.token).toMatch(/^[a-z2-7]{32}$/);
    expect(await caller.auth.twoFactor.status()).toMatchObject({ recoveryCodesLeft: 8 });
  });

  it("counts wrong codes toward the sign-in throttle (429), and a success clears it", async () => {
    const { clock, browser, turnOn, login, deps, user } = await setup();
    const { secret } = await turnOn();
    const attempts = async () =>
      (await deps.db.select().from(schema.loginAttempts)).filter((r) => r.emailKey === user.email).length;

    const ok = browser();
    await login(ok);
    await rejection(ok.caller.auth.verifyTwoFactor({ code: "000000" }));
    expect(await attempts()).toBe(2);
    await ok.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) });
    expect(await attempts()).toBe(0);

    const guesser = browser();
    await login(guesser); // 1 (the password does not clear the budget while a code is due)
    for (const guess of ["111111", "222222", "333333", "444444"]) {
      expect(await rejection(guesser.caller.auth.verifyTwoFactor({ code: guess }))).toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    clock.advance(30_000);
    const throttled = await rejection(guesser.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) }));
    expect(throttled).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(guesser.jar.token).toBeUndefined();
    // The password step is throttled as well: signing in again does not buy new guesses.
    expect(await rejection(login(browser()))).toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("turns off only with the password; then sign-in needs the password alone", async () => {
    const { browser, turnOn, login, caller, deps, user } = await setup();
    await turnOn();
    const wrong = await rejection(caller.auth.twoFactor.disable({ password: "not-my-password" }));
    expect(wrong).toMatchObject({ code: "BAD_REQUEST", message: "Password is incorrect" });
    expect(await caller.auth.twoFactor.status()).toMatchObject({ enabled: true });

    await caller.auth.twoFactor.disable({ password: TEST_PASSWORD });
    expect(await caller.auth.twoFactor.status()).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    const row = (await deps.db.select().from(schema.users)).find((u) => u.id === user.id);
    expect(row).toMatchObject({ twoFactorSecret: null, twoFactorEnabledAt: null });
    const codes = (await deps.db.select().from(schema.twoFactorRecoveryCodes)).filter((r) => r.userId === user.id);
    expect(codes).toHaveLength(0);

    const b = browser();
    expect(await login(b)).toMatchObject({ id: user.id });
    expect(b.jar.token).toMatch(/^[a-z2-7]{32}$/);
  });
});

describe("password reset with two-factor on", () => {
  it("sets the password but asks for the code before signing in: the email alone does not open the account", async () => {
    const { clock, deps, user, browser, turnOn } = await setup();
    const { secret } = await turnOn();
    const { link } = await createPasswordResetLink(deps, user.id);
    const token = new URL(link).searchParams.get("token")!;

    const b = browser();
    expect(await b.caller.auth.resetPassword({ token, password: "a-brand-new-password" })).toEqual({
      twoFactorRequired: true,
    });
    expect(b.jar.token).toBeUndefined();
    expect(await rejection(b.caller.auth.verifyTwoFactor({ code: "000000" }))).toMatchObject({ code: "BAD_REQUEST" });

    const signedIn = await b.caller.auth.verifyTwoFactor({ code: codeAt(secret, clock) });
    expect(signedIn.id).toBe(user.id);
    expect(b.jar.token).toMatch(/^[a-z2-7]{32}$/);
    // The new password is the one that now works (and still needs the code).
    expect(await b.caller.auth.login({ email: user.email, password: "a-brand-new-password" })).toEqual({
      twoFactorRequired: true,
    });
  });
});
