import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeResend, startFakeResend } from "@crm/testing";
import { Resend } from "resend";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOutboxMailer } from "./outbox-mailer";
import { createResendMailer, fromResendError } from "./resend-mailer";
import type { OutgoingEmail } from "./types";

let fake: FakeResend;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

function anEmail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    id: randomUUID(),
    from: "Coach Carla <carla@example.com>",
    to: "client@example.com",
    subject: "Your session on Tuesday",
    text: "See you at 10:00.",
    ...overrides,
  };
}

/** The trailing slash is deliberate: the mailer must strip it (the SDK joins `${baseUrl}/emails`). */
function mailer(timeoutMs = 2_000) {
  return createResendMailer({ apiKey: fake.apiKey, baseUrl: `${fake.url}/`, timeoutMs });
}

describe("createResendMailer against the fake Resend", () => {
  it("sends through the SDK: fields, UTF-8 attachments as base64, tags and the idempotency key", async () => {
    const ics = "BEGIN:VCALENDAR\r\nSUMMARY:Séance – café\r\nEND:VCALENDAR\r\n";
    const email = anEmail({
      html: "<p>See you at 10:00.</p>",
      attachments: [{ filename: "session.ics", content: ics, contentType: "text/calendar; method=REQUEST" }],
      tags: [
        { name: "kind", value: "reminder" },
        { name: "booking id", value: "b:42" },
      ],
    });

    const result = await mailer().send(email);

    expect(mailer().kind).toBe("resend");
    expect(fake.sent).toHaveLength(1);
    const sent = fake.sent[0]!;
    expect(result).toEqual({ ok: true, providerId: sent.id });
    expect(sent.idempotencyKey).toBe(email.id);
    expect(sent.payload).toMatchObject({
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      tags: [
        { name: "kind", value: "reminder" },
        { name: "booking_id", value: "b_42" },
      ],
    });
    const [attachment] = sent.payload.attachments as { content: string; filename: string; content_type: string }[];
    expect(attachment).toMatchObject({ filename: "session.ics", content_type: "text/calendar; method=REQUEST" });
    expect(Buffer.from(attachment!.content, "base64").toString("utf8")).toBe(ics);

    // The fake serves the email back the way Resend does.
    const fetched = await new Resend(fake.apiKey, { baseUrl: fake.url }).emails.get(sent.id);
    expect(fetched.error).toBeNull();
    expect(fetched.data).toMatchObject({ object: "email", id: sent.id, to: [email.to], subject: email.subject });
  });

  it("a retry with the same id sends once and answers the same provider id", async () => {
    const email = anEmail();
    const first = await mailer().send(email);
    const second = await mailer().send(email);

    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
    expect(fake.sent).toHaveLength(1);
    expect(fake.requests).toBe(2);
  });

  it("the same id with a different payload means an earlier attempt went out: sent, not again (409 invalid_idempotent_request)", async () => {
    const email = anEmail();
    await mailer().send(email);
    const result = await mailer().send({ ...email, subject: "Something else" });

    expect(result).toEqual({ ok: true, providerId: null });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]?.payload.subject).toBe(email.subject);
  });

  it("429 is retryable and carries retry-after", async () => {
    fake.fail({ status: 429, retryAfter: 7 });
    const result = await mailer().send(anEmail());

    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 7 });
    expect(!result.ok && result.reason).toContain("rate_limit_exceeded");
    expect(fake.sent).toHaveLength(0);
  });

  it("quota errors (429) are retryable", async () => {
    fake.fail({ status: 429, name: "daily_quota_exceeded", message: "You have reached your daily email quota." });
    expect(await mailer().send(anEmail())).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 1 });
  });

  it("500 is retryable, and the retry sends exactly once", async () => {
    const email = anEmail();
    fake.fail({ status: 500 });
    const failed = await mailer().send(email);
    expect(failed).toMatchObject({ ok: false, retryable: true });
    expect(failed).not.toHaveProperty("retryAfterSeconds");

    const retried = await mailer().send(email);
    expect(retried).toEqual({ ok: true, providerId: fake.sent[0]!.id });
    expect(fake.sent).toHaveLength(1);
  });

  it("a non-JSON 503 (a proxy page) is retryable as the SDK's application_error", async () => {
    fake.fail({ status: 503, rawBody: "<html><body>503 Service Unavailable</body></html>", retryAfter: 30 });
    const result = await mailer().send(anEmail());

    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 30 });
    expect(!result.ok && result.reason).toContain("HTTP 503 application_error");
  });

  it("422 missing_required_field is not retryable and names the field", async () => {
    const result = await mailer().send(anEmail({ subject: "" }));

    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.reason).toContain("HTTP 422 missing_required_field");
    expect(!result.ok && result.reason).toContain("`subject`");
    expect(fake.sent).toHaveLength(0);
  });

  it("400 validation_error is not retryable and names the field", async () => {
    const result = await mailer().send(anEmail({ from: "Coach Carla <not-an-address>" }));

    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.reason).toContain("HTTP 400 validation_error");
    expect(!result.ok && result.reason).toContain("`from`");
  });

  it("a timeout is retryable; a retry while the first is in flight is retryable too; later it sends once", async () => {
    const email = anEmail();
    fake.delay(400);

    const timedOut = await mailer(100).send(email);
    expect(timedOut).toEqual({ ok: false, retryable: true, reason: "Timed out after 100 ms" });

    // The server is still processing the first request (as Resend would after a client gave up).
    const concurrent = await mailer().send(email);
    expect(concurrent).toMatchObject({ ok: false, retryable: true });
    expect(!concurrent.ok && concurrent.reason).toContain("concurrent_idempotent_requests");

    await fake.settled();
    expect(fake.sent).toHaveLength(1);
    const retried = await mailer().send(email);
    expect(retried).toEqual({ ok: true, providerId: fake.sent[0]!.id });
    expect(fake.sent).toHaveLength(1);
  });

  it("a bad API key is not retryable", async () => {
    const wrongKey = createResendMailer({ apiKey: "re_not_the_key", baseUrl: fake.url });
    const result = await wrongKey.send(anEmail());

    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.reason).toContain("HTTP 403 invalid_api_key");
  });

  it("a network failure is retryable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const result = await createResendMailer({ apiKey: "re_x", baseUrl: `http://127.0.0.1:${port}` }).send(anEmail());
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(!result.ok && result.reason).toContain("network error application_error");
  });

  it("refuses an email without an id rather than send it without an idempotency key", async () => {
    const result = await mailer().send(anEmail({ id: "" }));
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(fake.requests).toBe(0);
  });

  it("rejects bad options", () => {
    expect(() => createResendMailer({ apiKey: "" })).toThrow(/apiKey/);
    expect(() => createResendMailer({ apiKey: "re_x", timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe("fromResendError", () => {
  const classify = (statusCode: number | null, name: string, headers: Record<string, string> | null = {}) =>
    fromResendError({ statusCode, name, message: "m" }, headers);

  it.each([
    [429, "rate_limit_exceeded"],
    [429, "monthly_quota_exceeded"],
    [409, "concurrent_idempotent_requests"],
    [500, "internal_server_error"],
    [500, "application_error"],
    [502, "application_error"],
    [null, "application_error"],
  ])("%s %s is retryable", (status, name) => {
    expect(classify(status, name).retryable).toBe(true);
  });

  it.each([
    [400, "validation_error"],
    [403, "validation_error"],
    [422, "missing_required_field"],
    [422, "invalid_from_address"],
    [422, "invalid_attachment"],
    [401, "missing_api_key"],
    [401, "restricted_api_key"],
    [403, "invalid_api_key"],
    [409, "invalid_idempotent_request"],
    [400, "invalid_idempotency_key"],
    [404, "not_found"],
  ])("%s %s is not retryable", (status, name) => {
    expect(classify(status, name).retryable).toBe(false);
  });

  it("reads retry-after as seconds or an HTTP date, and ratelimit-reset on a 429 without it", () => {
    expect(classify(429, "rate_limit_exceeded", { "retry-after": "2" }).retryAfterSeconds).toBe(2);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const fromDate = classify(503, "application_error", { "retry-after": inAMinute }).retryAfterSeconds;
    expect(fromDate).toBeGreaterThanOrEqual(58);
    expect(fromDate).toBeLessThanOrEqual(60);
    expect(classify(429, "rate_limit_exceeded", { "ratelimit-reset": "3" }).retryAfterSeconds).toBe(3);
    expect(classify(null, "application_error", null)).not.toHaveProperty("retryAfterSeconds");
  });
});

describe("createOutboxMailer", () => {
  it("logs one line and succeeds with an outbox id", async () => {
    const lines: string[] = [];
    const outbox = createOutboxMailer({ log: (line) => lines.push(line) });
    const email = anEmail({ subject: "Line one\nline two" });

    expect(outbox.kind).toBe("outbox");
    expect(await outbox.send(email)).toEqual({ ok: true, providerId: `outbox_${email.id}` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    expect(lines[0]).toContain("client@example.com");
    expect(lines[0]).toContain("Line one\\nline two");
  });
});
