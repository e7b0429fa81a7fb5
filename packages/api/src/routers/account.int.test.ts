import {
  allJobs,
  applyDeliveryEvent,
  createSession,
  type JobContext,
  type JobQueue,
  type Mailer,
  ManualClock,
  type OutgoingEmail,
  validateSessionToken,
} from "@crm/core";
import { createTestUser, TEST_PASSWORD } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { type ApiDeps, createInnerContext, memoryCookieJar } from "../context";
import { createCaller } from "../root";

const testDb = useTestDatabase();
const APP_URL = "http://crm.test";
const MINUTE = 60_000;

/**
 * The API with a job queue that records what is enqueued, and a worker step (runJobs) that runs it
 * through the real handlers with a mailer that records what is sent.
 */
function harness(options: { delivery?: "email" | "outbox" } = {}) {
  const clock = new ManualClock("2026-03-01T09:00:00Z");
  const queued: { name: string; payload: unknown }[] = [];
  const sent: OutgoingEmail[] = [];
  const logs: string[] = [];
  const jobs = {
    async send(_db: unknown, job: { name: string }, payload: unknown) {
      queued.push({ name: job.name, payload });
      return `job-${queued.length}`;
    },
  } as unknown as JobQueue;
  const outbox = options.delivery === "outbox";
  const mailer: Mailer = {
    kind: outbox ? "outbox" : "resend",
    async send(email) {
      sent.push(email);
      return { ok: true, providerId: outbox ? `outbox_${email.id}` : `re_${sent.length}_${email.id.slice(0, 8)}` };
    },
  };
  const deps: ApiDeps = {
    db: testDb().db,
    clock,
    jobs,
    appUrl: APP_URL,
    ...(!outbox && { emailDelivery: "email" as const }),
  };
  const jobCtx: JobContext = {
    db: testDb().db,
    clock,
    jobs,
    appUrl: APP_URL,
    email: { mailer, from: "CRM <crm@example.com>" },
    log: (message) => logs.push(message),
  };
  let ran = 0;
  async function runJobs() {
    while (ran < queued.length) {
      const { name, payload } = queued[ran++]!;
      const job = allJobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`no job ${name}`);
      await job.handle(jobCtx, job.payload.parse(payload) as never, { id: `job-${ran}`, retryCount: 0 });
    }
  }
  function publicCaller(jar = memoryCookieJar()) {
    return {
      caller: createCaller(createInnerContext(deps)),
      jar,
      withJar: createCaller(createInnerContext(deps, null, jar)),
    };
  }
  async function signedIn(userId: string) {
    const { token } = await createSession(deps, userId);
    const session = await validateSessionToken(deps, token);
    if (session.status !== "valid") throw new Error("no session");
    return {
      token,
      caller: createCaller(createInnerContext(deps, { user: session.user, sessionId: session.sessionId })),
    };
  }
  /** The token of the link in the last email sent to this address. */
  function linkTokenFor(to: string): string {
    const email = sent.filter((e) => e.to === to).at(-1);
    if (!email) throw new Error(`no email to ${to}`);
    const match = /\/(?:reset-password|verify-email)\?token=([a-z2-7]+)/.exec(email.text);
    if (!match) throw new Error(`no link in ${email.text}`);
    return match[1]!;
  }
  return { clock, queued, sent, logs, deps, runJobs, publicCaller, signedIn, linkTokenFor };
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError & { cause?: { field?: string } };
}

async function accountEmailsOf(h: ReturnType<typeof harness>, userId: string) {
  const rows = await h.deps.db.select().from(schema.accountEmails);
  return rows.filter((row) => row.userId === userId).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

const login = (h: ReturnType<typeof harness>, email: string, password: string) =>
  h.publicCaller().caller.auth.login({ email, password });

describe("auth.requestPasswordReset", () => {
  it("answers the same for an unknown address, enqueues the same job, and only a real account gets an email", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = h.publicCaller();

    const known = await caller.auth.requestPasswordReset({ email: user.email.toUpperCase() });
    const unknown = await caller.auth.requestPasswordReset({ email: "nobody-here@example.com" });

    expect(known).toEqual({ delivery: "email" });
    expect(unknown).toEqual(known);
    expect(h.queued.map((job) => job.name)).toEqual(["accounts.password-reset", "accounts.password-reset"]);
    expect(Object.keys(h.queued[0]!.payload as object)).toEqual(Object.keys(h.queued[1]!.payload as object));

    await h.runJobs();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ to: user.email, subject: "Reset your password" });
    expect(h.sent[0]!.text).toContain(`${APP_URL}/reset-password?token=`);
    const [row] = await accountEmailsOf(h, user.id);
    expect(row).toMatchObject({ kind: "password_reset", status: "sent", toAddress: user.email });
    // Stored hashed: the token in the link is nowhere in the database.
    const tokens = (await h.deps.db.select().from(schema.accountTokens)).filter((t) => t.userId === user.id);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.tokenHash).not.toBe(h.linkTokenFor(user.email));
  });

  it("without an email provider says so (outbox) and writes the link to the log, not 'sent'", async () => {
    const h = harness({ delivery: "outbox" });
    const user = await createTestUser(h.deps);
    expect(await h.publicCaller().caller.auth.requestPasswordReset({ email: user.email })).toEqual({
      delivery: "outbox",
    });
    await h.runJobs();
    const token = h.linkTokenFor(user.email);
    expect(h.logs.join("\n")).toContain(`${APP_URL}/reset-password?token=${token}`);
    const [row] = await accountEmailsOf(h, user.id);
    expect(row?.status).toBe("outbox");
  });

  it("a user deleted between the request and the job: the job does nothing", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    await h.publicCaller().caller.auth.requestPasswordReset({ email: user.email });
    // Every account of this test's database: only this one exists when it runs.
    await h.deps.db.delete(schema.users);
    await h.runJobs();
    expect(h.sent).toHaveLength(0);
  });

  it("a second request within a minute sends nothing more; the first link still works", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = h.publicCaller();
    await caller.auth.requestPasswordReset({ email: user.email });
    await h.runJobs();
    h.clock.advance(30_000);
    await caller.auth.requestPasswordReset({ email: user.email });
    await h.runJobs();
    expect(h.sent).toHaveLength(1);
    await caller.auth.resetPassword({ token: h.linkTokenFor(user.email), password: "a-brand-new-password" });
  });
});

describe("auth.resetPassword", () => {
  it("sets the password, ends every other session, signs in on a new one; the link works once", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const other = await h.signedIn(user.id);
    await h.publicCaller().caller.auth.requestPasswordReset({ email: user.email });
    await h.runJobs();
    const token = h.linkTokenFor(user.email);

    const { jar, withJar } = h.publicCaller();
    const signedIn = await withJar.auth.resetPassword({ token, password: "a-brand-new-password" });

    expect(signedIn).toMatchObject({ id: user.id, email: user.email });
    expect(jar.token).toMatch(/^[a-z2-7]{32}$/);
    expect((await validateSessionToken(h.deps, jar.token!)).status).toBe("valid");
    expect((await validateSessionToken(h.deps, other.token)).status).toBe("invalid");
    expect(await login(h, user.email, "a-brand-new-password")).toMatchObject({ id: user.id });
    await expect(login(h, user.email, TEST_PASSWORD)).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    // Used: a clear message, and nothing changes.
    const again = await failure(
      h.publicCaller().caller.auth.resetPassword({ token, password: "yet-another-password" }),
    );
    expect(again).toMatchObject({
      code: "BAD_REQUEST",
      message: "This reset link has expired or was already used. Ask for a new one.",
    });
    expect(again.cause?.field).toBe("token");
    expect(await login(h, user.email, "a-brand-new-password")).toMatchObject({ id: user.id });
  });

  it("an unknown token answers the same message and changes nothing", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const error = await failure(
      h.publicCaller().caller.auth.resetPassword({ token: "a".repeat(32), password: "a-brand-new-password" }),
    );
    expect(error.message).toBe("This reset link has expired or was already used. Ask for a new one.");
    expect(await login(h, user.email, TEST_PASSWORD)).toMatchObject({ id: user.id });
  });

  it("works for an hour and no longer", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = h.publicCaller();
    await caller.auth.requestPasswordReset({ email: user.email });
    await h.runJobs();
    const first = h.linkTokenFor(user.email);
    h.clock.advance(61 * MINUTE);
    await expect(caller.auth.resetPassword({ token: first, password: "a-brand-new-password" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });

    await caller.auth.requestPasswordReset({ email: user.email });
    await h.runJobs();
    h.clock.advance(59 * MINUTE);
    await caller.auth.resetPassword({ token: h.linkTokenFor(user.email), password: "a-brand-new-password" });
    expect(await login(h, user.email, "a-brand-new-password")).toMatchObject({ id: user.id });
  });

  it("a newer request voids the older link", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = h.publicCaller();
    await caller.auth.requestPasswordReset({ email: user.email });
    await h.runJobs();
    const older = h.linkTokenFor(user.email);
    h.clock.advance(2 * MINUTE);
    await caller.auth.requestPasswordReset({ email: user.email });
    await h.runJobs();
    const newer = h.linkTokenFor(user.email);
    expect(newer).not.toBe(older);

    await expect(caller.auth.resetPassword({ token: older, password: "a-brand-new-password" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await caller.auth.resetPassword({ token: newer, password: "a-brand-new-password" });
  });

  it("is allowed while the sign-in throttle is engaged, and lifts it", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    for (let i = 0; i < 5; i++) await login(h, user.email, "wrong-password-guess").catch(() => {});
    await expect(login(h, user.email, TEST_PASSWORD)).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });

    await h.publicCaller().caller.auth.requestPasswordReset({ email: user.email });
    await h.runJobs();
    await h.publicCaller().caller.auth.resetPassword({
      token: h.linkTokenFor(user.email),
      password: "a-brand-new-password",
    });
    expect(await login(h, user.email, "a-brand-new-password")).toMatchObject({ id: user.id });
  });

  it("refuses a weak password naming the field, and the link stays usable", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    await h.publicCaller().caller.auth.requestPasswordReset({ email: user.email });
    await h.runJobs();
    const token = h.linkTokenFor(user.email);
    const error = await failure(h.publicCaller().caller.auth.resetPassword({ token, password: "short" }));
    expect(error.code).toBe("BAD_REQUEST");
    await h.publicCaller().caller.auth.resetPassword({ token, password: "a-brand-new-password" });
  });
});

describe("email verification", () => {
  it("sign-up sends a link; opening it verifies the address (once); auth.me says so", async () => {
    const h = harness();
    const jar = memoryCookieJar();
    const caller = createCaller(createInnerContext(h.deps, null, jar));
    const user = await caller.auth.signup({ email: "new.person@example.com", password: TEST_PASSWORD, name: "New" });
    expect(user.emailVerified).toBe(false);
    await h.runJobs();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ to: "new.person@example.com", subject: "Confirm your email address" });
    const token = h.linkTokenFor("new.person@example.com");

    expect(await h.publicCaller().caller.auth.verifyEmail({ token })).toEqual({
      kind: "verified",
      email: "new.person@example.com",
    });
    const session = await validateSessionToken(h.deps, jar.token!);
    expect(session.status === "valid" && session.user.emailVerified).toBe(true);
    await expect(h.publicCaller().caller.auth.verifyEmail({ token })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "This link has expired or was already used. Ask for a new one from the app.",
    });

    const signedIn = await h.signedIn(user.id);
    expect(await signedIn.caller.auth.resendVerification()).toEqual({
      alreadyVerified: true,
      sentRecently: false,
      delivery: "email",
    });
    await h.runJobs();
    expect(h.sent).toHaveLength(1);
  });

  it("the link expires after 24 hours; Resend link sends a new one that works", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = await h.signedIn(user.id);
    expect(await caller.auth.resendVerification()).toEqual({
      alreadyVerified: false,
      sentRecently: false,
      delivery: "email",
    });
    await h.runJobs();
    const first = h.linkTokenFor(user.email);
    // Within the minute: nothing new is enqueued, and the answer says a link just went out.
    expect(await caller.auth.resendVerification()).toMatchObject({ alreadyVerified: false, sentRecently: true });
    expect(h.queued).toHaveLength(1);
    h.clock.advance(24 * 60 * MINUTE + 1);
    await expect(h.publicCaller().caller.auth.verifyEmail({ token: first })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await caller.auth.resendVerification();
    await h.runJobs();
    expect(await h.publicCaller().caller.auth.verifyEmail({ token: h.linkTokenFor(user.email) })).toMatchObject({
      kind: "verified",
    });
  });
});

describe("auth.changeEmail", () => {
  it("changes nothing until the link sent to the new address is opened; the old address is told", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = await h.signedIn(user.id);

    expect(await caller.auth.changeEmail({ email: "Moved@Example.com", password: TEST_PASSWORD })).toEqual({
      pendingEmail: "Moved@Example.com",
      delivery: "email",
    });
    await h.runJobs();
    expect(h.sent.map((e) => [e.to, e.subject])).toEqual([
      ["Moved@Example.com", "Confirm your new email address"],
      [user.email, "A change of your sign-in email was requested"],
    ]);
    expect(h.sent[1]!.text).not.toContain("http");
    expect(h.sent[1]!.text).toContain("Moved@Example.com");
    // Not yet: the old address still signs in.
    expect(await login(h, user.email, TEST_PASSWORD)).toMatchObject({ email: user.email });

    expect(await h.publicCaller().caller.auth.verifyEmail({ token: h.linkTokenFor("Moved@Example.com") })).toEqual({
      kind: "emailChanged",
      email: "Moved@Example.com",
    });
    expect(await login(h, "moved@example.com", TEST_PASSWORD)).toMatchObject({
      id: user.id,
      email: "Moved@Example.com",
      emailVerified: true,
    });
    await expect(login(h, user.email, TEST_PASSWORD)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses a wrong password, the current address and one another account has", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const other = await createTestUser(h.deps);
    const { caller } = await h.signedIn(user.id);

    const wrong = await failure(caller.auth.changeEmail({ email: "fresh@example.com", password: "not-my-password" }));
    expect(wrong).toMatchObject({ code: "BAD_REQUEST", message: "Password is incorrect" });
    expect(wrong.cause?.field).toBe("password");
    const same = await failure(caller.auth.changeEmail({ email: user.email.toUpperCase(), password: TEST_PASSWORD }));
    expect(same).toMatchObject({ code: "BAD_REQUEST", message: "That is already your email" });
    const taken = await failure(caller.auth.changeEmail({ email: other.email.toUpperCase(), password: TEST_PASSWORD }));
    expect(taken).toMatchObject({ code: "CONFLICT", message: "An account with this email already exists" });
    expect(taken.cause?.field).toBe("email");
    expect(h.queued).toHaveLength(0);
  });

  it("an address taken between the request and the link: a clear 409, and nothing changes", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = await h.signedIn(user.id);
    await caller.auth.changeEmail({ email: "contested@example.com", password: TEST_PASSWORD });
    await h.runJobs();
    const token = h.linkTokenFor("contested@example.com");
    await createTestUser(h.deps, { email: "Contested@example.com" });

    const error = await failure(h.publicCaller().caller.auth.verifyEmail({ token }));
    expect(error).toMatchObject({ code: "CONFLICT", message: "An account with this email already exists" });
    expect(await login(h, user.email, TEST_PASSWORD)).toMatchObject({ id: user.id, email: user.email });
  });
});

describe("account emails are not client emails", () => {
  it("are neither listed in Sent emails nor counted in the bounce rate; the webhook updates them", async () => {
    const h = harness();
    const user = await createTestUser(h.deps);
    const { caller } = await h.signedIn(user.id);
    for (let i = 0; i < 6; i++) {
      await caller.auth.resendVerification();
      await h.runJobs();
      h.clock.advance(2 * MINUTE);
    }
    const rows = await accountEmailsOf(h, user.id);
    expect(rows).toHaveLength(6);

    const bounced = rows[0]!;
    expect(
      await applyDeliveryEvent(h.deps, {
        type: "bounced",
        providerId: bounced.providerId!,
        at: h.clock.now(),
        reason: "Mailbox does not exist",
        permanent: true,
      }),
    ).toBe(true);
    expect(
      await applyDeliveryEvent(h.deps, { type: "delivered", providerId: rows[1]!.providerId!, at: h.clock.now() }),
    ).toBe(true);
    // Neither a client message nor an account email: no match, no error.
    expect(await applyDeliveryEvent(h.deps, { type: "delivered", providerId: "re_unknown", at: h.clock.now() })).toBe(
      false,
    );
    const after = await accountEmailsOf(h, user.id);
    expect(after.find((r) => r.id === bounced.id)).toMatchObject({
      status: "bounced",
      lastError: "Mailbox does not exist",
    });
    expect(after.find((r) => r.id === rows[1]!.id)?.status).toBe("delivered");

    expect(await caller.emails.list({})).toEqual({ items: [], nextCursor: null });
    expect(await caller.emails.deliveryHealth()).toMatchObject({ sent: 0, bounced: 0, warning: false });
  });
});
