import { createDb, schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { ManualClock } from "../ports";
import { createTestUser, TEST_PASSWORD, uniqueEmail } from "../testing";
import { createSession, validateSessionToken } from "./sessions";
import { changePassword, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, login, signup } from "./users";

const testDb = useTestDatabase();

function context() {
  return { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z") };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("signup", () => {
  it("refuses an email that differs only in case, naming the field", async () => {
    const ctx = context();
    const email = uniqueEmail("Case");
    await createTestUser(ctx, { email });
    const error = await failure(signup(ctx, { email: email.toUpperCase(), password: TEST_PASSWORD, name: "Other" }));
    expect(error.code).toBe("DUPLICATE");
    expect(error.field).toBe("email");
  });

  it("names the field of invalid input", async () => {
    const ctx = context();
    const short = await failure(signup(ctx, { email: uniqueEmail(), password: "short", name: "A" }));
    expect(short).toMatchObject({ code: "VALIDATION", field: "password" });
    const email = await failure(signup(ctx, { email: "not-an-email", password: TEST_PASSWORD, name: "A" }));
    expect(email).toMatchObject({ code: "VALIDATION", field: "email" });
    const zone = await failure(
      signup(ctx, { email: uniqueEmail(), password: TEST_PASSWORD, name: "A", timeZone: "Mars/Base" }),
    );
    expect(zone).toMatchObject({ code: "VALIDATION", field: "timeZone" });
  });

  it("lets exactly one of two racing sign-ups for the same email through", async () => {
    const ctx = context();
    const email = uniqueEmail("race");
    const results = await Promise.allSettled([
      signup(ctx, { email, password: TEST_PASSWORD, name: "A" }),
      signup(ctx, { email: email.toUpperCase(), password: TEST_PASSWORD, name: "B" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "DUPLICATE" });
  });
});

describe("login", () => {
  it("signs in with any case of the email", async () => {
    const ctx = context();
    const email = uniqueEmail("Mixed");
    const user = await createTestUser(ctx, { email });
    expect((await login(ctx, { email: email.toUpperCase(), password: TEST_PASSWORD })).user.id).toBe(user.id);
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const ctx = context();
    const user = await createTestUser(ctx);
    const wrong = await failure(login(ctx, { email: user.email, password: "wrong-password" }));
    const unknown = await failure(login(ctx, { email: uniqueEmail("nobody"), password: "wrong-password" }));
    expect(wrong.code).toBe("UNAUTHENTICATED");
    expect(unknown.code).toBe(wrong.code);
    expect(unknown.message).toBe(wrong.message);
  });

  it("throttles after 5 failures per email per hour, existing or not, and lets up after the window", async () => {
    const ctx = context();
    const user = await createTestUser(ctx);
    for (const email of [user.email, uniqueEmail("ghost")]) {
      for (let i = 0; i < 5; i++) {
        expect((await failure(login(ctx, { email, password: "wrong-password" }))).code).toBe("UNAUTHENTICATED");
        ctx.clock.advance(60_000);
      }
      const throttled = await failure(login(ctx, { email, password: TEST_PASSWORD }));
      expect(throttled.code).toBe("THROTTLED");
      // The first failure was 5 minutes ago, so it leaves the window in 55 minutes.
      expect(throttled.retryAfterSeconds).toBe(55 * 60);
    }
    ctx.clock.advance(LOGIN_WINDOW_MS);
    expect((await login(ctx, { email: user.email, password: TEST_PASSWORD })).user.id).toBe(user.id);
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    const ctx = context();
    const user = await createTestUser(ctx);
    for (let i = 0; i < 4; i++) await failure(login(ctx, { email: user.email, password: "wrong-password" }));
    await login(ctx, { email: user.email, password: TEST_PASSWORD });
    for (let i = 0; i < 4; i++) await failure(login(ctx, { email: user.email, password: "wrong-password" }));
    expect((await login(ctx, { email: user.email, password: TEST_PASSWORD })).user.id).toBe(user.id);
  });
});

describe("login under concurrency", () => {
  // Count-then-insert let every racer see the same count: the budget must be reserved atomically.
  it.each([20, 50])("checks at most 5 passwords of %i simultaneous wrong sign-ins, in every round", async (racers) => {
    const pool = createDb(testDb().url, { max: 12, applicationName: "crm-test-race" });
    try {
      const ctx = { db: pool.db, clock: new ManualClock("2026-03-01T09:00:00Z") };
      const user = await createTestUser(ctx);
      for (let round = 0; round < 5; round++) {
        const answers = await Promise.all(
          Array.from({ length: racers }, () =>
            failure(login(ctx, { email: user.email, password: "wrong-password" })).then((e) => e.code),
          ),
        );
        const checked = answers.filter((code) => code === "UNAUTHENTICATED").length;
        expect(checked, `round ${round}`).toBe(LOGIN_MAX_FAILURES);
        expect(answers.filter((code) => code === "THROTTLED")).toHaveLength(racers - LOGIN_MAX_FAILURES);
        // The next round starts with a fresh budget.
        ctx.clock.advance(LOGIN_WINDOW_MS);
      }
    } finally {
      await pool.close();
    }
  });
});

describe("login's Retry-After under concurrency", () => {
  it("never exceeds the window when attempts are recorded while a sign-in waits its turn", async () => {
    const pool = createDb(testDb().url, { max: 4, applicationName: "crm-test-race" });
    try {
      const clock = new ManualClock("2026-03-01T09:00:00Z");
      const ctx = { db: pool.db, clock };
      const user = await createTestUser(ctx);
      const key = user.email.toLowerCase();
      let waiting: Promise<DomainError> | undefined;
      // Another sign-in holds this email's turn; ours arrives, then five failures are recorded a
      // minute later, before ours gets its turn.
      await pool.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`login:${key}`}, 0))`);
        waiting = failure(login(ctx, { email: user.email, password: "wrong-password" }));
        await expect
          .poll(async () => {
            const rows = await tx.execute(sql`select 1 from pg_locks where locktype = 'advisory' and not granted`);
            return rows.length;
          })
          .toBe(1);
        clock.advance(60_000);
        const at = clock.now();
        await tx
          .insert(schema.loginAttempts)
          .values(Array.from({ length: LOGIN_MAX_FAILURES }, () => ({ emailKey: key, attemptedAt: at })));
      });
      const throttled = await waiting!;
      expect(throttled.code).toBe("THROTTLED");
      expect(throttled.retryAfterSeconds).toBe(LOGIN_WINDOW_MS / 1000);
    } finally {
      await pool.close();
    }
  });
});

describe("changePassword", () => {
  it("needs the current password, then ends every session of the user", async () => {
    const ctx = context();
    const user = await createTestUser(ctx);
    const phone = await createSession(ctx, user.id);
    const laptop = await createSession(ctx, user.id);
    const authed = { ...ctx, userId: user.id };
    const wrong = await failure(
      changePassword(authed, { currentPassword: "nope-nope-nope", newPassword: "a-new-password-1" }),
    );
    expect(wrong).toMatchObject({ code: "VALIDATION", field: "currentPassword" });
    await changePassword(authed, { currentPassword: TEST_PASSWORD, newPassword: "a-new-password-1" });
    expect(await validateSessionToken(ctx, phone.token)).toEqual({ status: "invalid" });
    expect(await validateSessionToken(ctx, laptop.token)).toEqual({ status: "invalid" });
    await failure(login(ctx, { email: user.email, password: TEST_PASSWORD }));
    expect((await login(ctx, { email: user.email, password: "a-new-password-1" })).user.id).toBe(user.id);
  });
});
