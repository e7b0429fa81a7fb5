import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeResend, signResendWebhook, startFakeResend } from "./fake-resend";

let fake: FakeResend;

beforeAll(async () => {
  fake = await startFakeResend({ apiKey: "re_test_key" });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

const valid = { from: "Carla <carla@example.com>", to: ["client@example.com"], subject: "Hi", text: "Hello" };

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${fake.url}/emails`, {
    method: "POST",
    headers: { authorization: `Bearer ${fake.apiKey}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("startFakeResend", () => {
  it("listens on loopback with a key and a whsec_ secret", () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.apiKey).toBe("re_test_key");
    expect(fake.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  });

  it("accepts an email, records it and serves it back", async () => {
    const response = await post({ ...valid, tags: [{ name: "kind", value: "reminder" }] }, { "idempotency-key": "k1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit-limit")).toBe("5");
    const { id } = (await response.json()) as { id: string };
    expect(fake.sent).toEqual([
      { id, payload: expect.objectContaining(valid), idempotencyKey: "k1", createdAt: expect.any(Date) },
    ]);

    const got = await fetch(`${fake.url}/emails/${id}`, { headers: { authorization: `Bearer ${fake.apiKey}` } });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({
      object: "email",
      id,
      to: valid.to,
      subject: "Hi",
      last_event: "delivered",
    });

    const unknown = await fetch(`${fake.url}/emails/${randomUUID()}`, {
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ statusCode: 404, name: "not_found" });
  });

  it("checks the Bearer key: missing → 401 missing_api_key, wrong → 403 invalid_api_key", async () => {
    const missing = await fetch(`${fake.url}/emails`, { method: "POST", body: JSON.stringify(valid) });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ statusCode: 401, name: "missing_api_key" });

    const wrong = await post(valid, { authorization: "Bearer re_wrong" });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ statusCode: 403, name: "invalid_api_key" });
    expect(fake.requests).toBe(2);
  });

  it.each([
    [{ ...valid, to: undefined }, 422, "missing_required_field", "`to`"],
    [{ ...valid, from: undefined }, 422, "missing_required_field", "`from`"],
    [{ ...valid, subject: "" }, 422, "missing_required_field", "`subject`"],
    [{ ...valid, text: undefined }, 422, "missing_required_field", "`html` or `text`"],
    [{ ...valid, from: "nobody" }, 400, "validation_error", "`from`"],
    [{ ...valid, to: Array.from({ length: 51 }, (_, i) => `c${i}@example.com`) }, 400, "validation_error", "`to`"],
    [{ ...valid, tags: [{ name: "bad tag", value: "x" }] }, 400, "validation_error", "`tags`"],
    [
      { ...valid, attachments: [{ filename: "a.ics", content: "not base64!" }] },
      422,
      "invalid_attachment",
      "`attachments`",
    ],
    ["{not json", 400, "validation_error", "JSON"],
  ])("validates the body (%#): %i %s naming %s", async (body, status, name, field) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    const error = (await response.json()) as { statusCode: number; name: string; message: string };
    expect(error).toMatchObject({ statusCode: status, name });
    expect(error.message).toContain(field);
    expect(fake.sent).toHaveLength(0);
  });

  it("accepts up to 50 recipients", async () => {
    const response = await post({ ...valid, to: Array.from({ length: 50 }, (_, i) => `c${i}@example.com`) });
    expect(response.status).toBe(200);
  });

  it("is idempotent per Idempotency-Key: same payload → the original answer, other payload → 409", async () => {
    const first = await post(valid, { "idempotency-key": "same" });
    // The same JSON with keys in another order is the same payload.
    const again = await post(
      { text: valid.text, subject: valid.subject, to: valid.to, from: valid.from },
      {
        "idempotency-key": "same",
      },
    );
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await first.json());
    expect(fake.sent).toHaveLength(1);

    const other = await post({ ...valid, subject: "Other" }, { "idempotency-key": "same" });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ statusCode: 409, name: "invalid_idempotent_request" });

    const tooLong = await post(valid, { "idempotency-key": "k".repeat(257) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ name: "invalid_idempotency_key" });
    expect(fake.sent).toHaveLength(1);
  });

  it("injects faults: 429 with retry-after and ratelimit headers, `times` in a row, then back to normal", async () => {
    fake.fail({ status: 429, retryAfter: 3, times: 2 });
    for (let i = 0; i < 2; i++) {
      const response = await post(valid);
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("3");
      expect(response.headers.get("ratelimit-remaining")).toBe("0");
      expect(response.headers.get("ratelimit-reset")).toBe("3");
      expect(await response.json()).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });
    }
    expect((await post(valid)).status).toBe(200);
  });

  it("injects custom error names and non-JSON bodies", async () => {
    fake.fail({ status: 403, name: "validation_error", message: "The example.com domain is not verified." });
    fake.fail({ status: 503, rawBody: "<html>down</html>" });
    const custom = await post(valid);
    expect(await custom.json()).toEqual({
      statusCode: 403,
      name: "validation_error",
      message: "The example.com domain is not verified.",
    });
    const html = await post(valid);
    expect(html.status).toBe(503);
    expect(await html.text()).toBe("<html>down</html>");
  });

  it("delays requests; a same-key request meanwhile gets 409 concurrent_idempotent_requests", async () => {
    fake.delay(200);
    const started = Date.now();
    const slow = post(valid, { "idempotency-key": "slow" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const concurrent = await post(valid, { "idempotency-key": "slow" });
    expect(concurrent.status).toBe(409);
    expect(await concurrent.json()).toMatchObject({ name: "concurrent_idempotent_requests" });
    expect((await slow).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await fake.settled();
    expect(fake.sent).toHaveLength(1);
  });

  it("reset() forgets emails, keys, faults and the request count", async () => {
    await post(valid, { "idempotency-key": "r" });
    fake.fail({ status: 500 });
    fake.reset();
    expect(fake.sent).toHaveLength(0);
    expect(fake.requests).toBe(0);
    expect((await post({ ...valid, subject: "New" }, { "idempotency-key": "r" })).status).toBe(200);
  });

  it("signs webhooks the Svix way (known test vector)", () => {
    // The example from Svix's documentation.
    expect(
      signResendWebhook({
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp: 1614265330,
        body: '{"test": 2432232314}',
      }),
    ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("builds webhooks with Resend's payload shape, signed with the real current time", () => {
    const before = Math.floor(Date.now() / 1000);
    const { body, headers } = fake.buildWebhook({
      type: "email.bounced",
      emailId: "e1",
      bounce: { type: "Transient", message: "Mailbox full" },
    });
    const timestamp = Number(headers["svix-timestamp"]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(headers["svix-signature"]).toBe(
      signResendWebhook({ secret: fake.webhookSecret, id: headers["svix-id"]!, timestamp, body }),
    );
    expect(JSON.parse(body)).toMatchObject({
      type: "email.bounced",
      created_at: expect.any(String),
      data: {
        email_id: "e1",
        to: expect.any(Array),
        bounce: { type: "Transient", subType: "MailboxFull", message: "Mailbox full" },
      },
    });
  });
});
