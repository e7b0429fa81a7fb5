import {
  allJobs,
  createClient,
  createSession,
  type DataKeyring,
  generateTotpAt,
  type JobContext,
  type JobQueue,
  LOGIN_MAX_FAILURES,
  type Mailer,
  ManualClock,
  type OutgoingEmail,
  totpKeyFromText,
  validateSessionToken,
} from "@crm/core";
import { createTestUser, TEST_PASSWORD, uniqueEmail } from "@crm/core/testing";
import { useTestDatabase } from "@crm/db/testing";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { type ApiDeps, createInnerContext, memoryCookieJar } from "../context";
import { createCaller } from "../root";

const testDb = useTestDatabase();
const DAY = 24 * 3600_000;

/** The API with a queue that records jobs, and a worker step that runs them with a recording mailer. */
function harness() {
  const clock = new ManualClock("2026-04-01T08:00:00Z");
  const queued: { name: string; payload: unknown }[] = [];
  const sent: OutgoingEmail[] = [];
  const jobs = {
    async send(_db: unknown, job: { name: string }, payload: unknown) {
      queued.push({ name: job.name, payload });
      return `job-${queued.length}`;
    },
    async cancel() {},
  } as unknown as JobQueue;
  const mailer: Mailer = {
    kind: "resend",
    async send(email) {
      sent.push(email);
      return { ok: true, providerId: `re_${sent.length}` };
    },
  };
  const dataKeys: DataKeyring = { current: { version: 1, key: new Uint8Array(32).fill(7) } };
  const deps: ApiDeps = { db: testDb().db, clock, jobs, appUrl: "http://crm.test", deletionGraceDays: 14, dataKeys };
  const jobCtx: JobContext = {
    ...deps,
    jobs,
    email: { mailer, from: "CRM <crm@example.com>" },
    log: () => {},
  };
  async function runJobs() {
    for (const { name, payload } of queued.splice(0)) {
      const job = allJobs.find((candidate) => candidate.name === name)!;
      await job.handle(jobCtx, job.payload.parse(payload) as never, { id: "job", retryCount: 0 });
    }
  }
  /** A caller signed in with a session token, as the HTTP context would build it (no cache). */
  async function callerFor(token: string, jar = memoryCookieJar()) {
    const session = await validateSessionToken(deps, token);
    if (session.status !== "valid") return null;
    return createCaller(createInnerContext(deps, { user: session.user, sessionId: session.sessionId }, jar));
  }
  async function signIn(email: string, password = TEST_PASSWORD) {
    const jar = memoryCookieJar();
    await createCaller(createInnerContext(deps, null, jar)).auth.login({ email, password });
    if (!jar.token) throw new Error("no session cookie");
    return { token: jar.token, caller: (await callerFor(jar.token))! };
  }
  return { clock, deps, queued, sent, runJobs, callerFor, signIn };
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError & { cause?: { field?: string } };
}

describe("privacy.deleteAccount", () => {
  it("refuses a wrong password naming the field, and counts it toward the sign-in throttle", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = await h.signIn(user.email);
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      const wrong = await failure(caller.privacy.deleteAccount({ password: `wrong-${i}` }));
      expect([wrong.code, wrong.message, wrong.cause?.field]).toEqual([
        "BAD_REQUEST",
        "Password is incorrect",
        "password",
      ]);
    }
    const throttled = await failure(caller.privacy.deleteAccount({ password: TEST_PASSWORD }));
    expect(throttled.code).toBe("TOO_MANY_REQUESTS");
    const me = await caller.auth.me();
    expect(me?.deletionScheduledFor).toBeNull();
  });

  it("signs out everywhere, emails the date; signing in again shows it, refuses the rest, and can cancel", async () => {
    const h = harness();
    const user = await createTestUser(h.deps, { timeZone: "Europe/Berlin" });
    await createClient({ ...h.deps, userId: user.id }, { firstName: "Ada", email: uniqueEmail("ada") });
    const other = await createSession(h.deps, user.id);
    const jar = memoryCookieJar();
    const { token } = await h.signIn(user.email);
    const caller = (await h.callerFor(token, jar))!;

    const outcome = await caller.privacy.deleteAccount({ password: TEST_PASSWORD });
    const scheduled = new Date(h.clock.now().getTime() + 14 * DAY);
    expect(outcome).toEqual({ deletionScheduledFor: scheduled });
    expect(jar.token).toBeNull();
    expect(await h.callerFor(token)).toBeNull();
    expect(await h.callerFor(other.token)).toBeNull();

    expect(h.queued.map((j) => j.name)).toEqual(["privacy.deletion-scheduled-email"]);
    await h.runJobs();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({
      to: user.email,
      subject: "Your account will be deleted on Wednesday 15 April 2026",
    });
    expect(h.sent[0]!.text).toContain('Sign in before then (http://crm.test/login) and choose "Cancel deletion"');

    // Signing in still works during the grace period, but only to see the date and cancel.
    const again = await h.signIn(user.email);
    expect((await again.caller.auth.me())?.deletionScheduledFor).toEqual(scheduled);
    const refused = await failure(again.caller.clients.list({}));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toBe(
      "Your account is scheduled for deletion on 2026-04-15. Cancel the deletion to use it again.",
    );
    expect((await failure(again.caller.privacy.eraseClient({ clientId: user.id }))).code).toBe("FORBIDDEN");
    expect((await again.caller.settings.get()).email).toBe(user.email);

    expect(await again.caller.privacy.cancelDeletion()).toEqual({ cancelled: true });
    // The session's user was read before the cancel: a fresh request sees the account as it is now.
    const back = (await h.callerFor(again.token))!;
    expect((await back.auth.me())?.deletionScheduledFor).toBeNull();
    expect((await back.clients.list({})).items.map((c) => c.firstName)).toEqual(["Ada"]);
    expect((await failure(back.privacy.cancelDeletion())).code).toBe("BAD_REQUEST");
  });

  it("a notice queued before a cancel is not sent", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = await h.signIn(user.email);
    await caller.privacy.deleteAccount({ password: TEST_PASSWORD });
    const again = await h.signIn(user.email);
    await again.caller.privacy.cancelDeletion();
    await h.runJobs();
    expect(h.sent).toEqual([]);
  });
});

describe("signing in with two-factor during the grace period", () => {
  it("asks for the code as usual, then opens only the cancel", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = await h.signIn(user.email);
    const code = (secret: string) => generateTotpAt(totpKeyFromText(secret), h.clock.now());
    const { secret } = await caller.auth.twoFactor.setup();
    await caller.auth.twoFactor.enable({ code: code(secret) });
    h.clock.advance(30_000);
    const { deletionScheduledFor } = await caller.privacy.deleteAccount({ password: TEST_PASSWORD });

    const jar = memoryCookieJar();
    const browser = createCaller(createInnerContext(h.deps, null, jar));
    expect(await browser.auth.login({ email: user.email, password: TEST_PASSWORD })).toEqual({
      twoFactorRequired: true,
    });
    const signedIn = await browser.auth.verifyTwoFactor({ code: code(secret) });
    expect(signedIn.deletionScheduledFor).toEqual(deletionScheduledFor);
    const again = (await h.callerFor(jar.token!))!;
    expect((await failure(again.bookings.list({ from: h.clock.now(), to: h.clock.now() }))).code).toBe("FORBIDDEN");
    expect(await again.privacy.cancelDeletion()).toEqual({ cancelled: true });
  });
});

describe("privacy.eraseClient", () => {
  it("answers NOT_FOUND for another owner's client and erases one's own", async () => {
    const h = harness();
    const owner = await createTestUser(h.deps);
    const stranger = await createTestUser(h.deps);
    const client = await createClient({ ...h.deps, userId: owner.id }, { firstName: "Grace", email: uniqueEmail("g") });
    const strangerCaller = (await h.signIn(stranger.email)).caller;
    expect((await failure(strangerCaller.privacy.eraseClient({ clientId: client.id }))).code).toBe("NOT_FOUND");
    expect((await failure(strangerCaller.privacy.eraseClient({ clientId: "nope" }))).code).toBe("BAD_REQUEST");
    const ownerCaller = (await h.signIn(owner.email)).caller;
    const erased = await ownerCaller.privacy.eraseClient({ clientId: client.id });
    expect(erased).toMatchObject({ clientId: client.id, bookings: 0, googleEventsPending: 0 });
    expect((await failure(ownerCaller.clients.get({ id: client.id }))).code).toBe("NOT_FOUND");
    expect((await ownerCaller.clients.trash({})).items).toEqual([]);
  });
});
