import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeResend, type FakeResendWebhookEvent, signResendWebhook, startFakeResend } from "@crm/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResendMailer } from "./resend-mailer";
import { verifyResendWebhook, WebhookPayloadError, WebhookSignatureError } from "./resend-webhook";

let fake: FakeResend;
let receiver: Server;
let receiverUrl: string;
const received: { rawBody: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  fake = await startFakeResend();
  // Stands in for our /webhooks/resend route: keeps the raw body and headers exactly as they arrived.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ rawBody: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/resend`;
});
afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => receiver.close(resolve));
});

/** Sends the event through the fake to the receiver and returns what the receiver got. */
async function deliver(event: FakeResendWebhookEvent) {
  const response = await fake.sendWebhook(receiverUrl, event);
  expect(response.status).toBe(204);
  return received.at(-1)!;
}

async function sendRealEmail(): Promise<string> {
  const result = await createResendMailer({ apiKey: fake.apiKey, baseUrl: fake.url }).send({
    id: randomUUID(),
    from: "Coach Carla <carla@example.com>",
    to: "client@example.com",
    subject: "Reminder",
    text: "Tomorrow at 10.",
    tags: [{ name: "kind", value: "reminder" }],
  });
  if (!result.ok) throw new Error(result.reason);
  if (!result.providerId) throw new Error("Resend answered without an email id");
  return result.providerId;
}

function signed(body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const id = `msg_${randomBytes(8).toString("hex")}`;
  return {
    rawBody: body,
    headers: {
      "svix-id": id,
      "svix-timestamp": String(timestamp),
      "svix-signature": signResendWebhook({ secret: fake.webhookSecret, id, timestamp, body }),
    },
    secret: fake.webhookSecret,
  };
}

describe("verifyResendWebhook", () => {
  it("verifies and maps a delivered event signed by the fake", async () => {
    const emailId = await sendRealEmail();
    const { rawBody, headers } = await deliver({ type: "email.delivered", emailId });

    const payload = JSON.parse(rawBody);
    expect(payload.data).toMatchObject({ email_id: emailId, to: ["client@example.com"], tags: { kind: "reminder" } });
    expect(headers["svix-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const event = verifyResendWebhook({ rawBody, headers, secret: fake.webhookSecret });
    expect(event).toEqual({ type: "delivered", providerId: emailId, at: new Date(payload.created_at) });
  });

  it("maps permanent and transient bounces", async () => {
    const emailId = await sendRealEmail();
    const hard = await deliver({
      type: "email.bounced",
      emailId,
      bounce: { type: "Permanent", message: "The recipient's mailbox does not exist." },
    });
    expect(verifyResendWebhook({ ...hard, secret: fake.webhookSecret })).toMatchObject({
      type: "bounced",
      providerId: emailId,
      permanent: true,
      reason: "Permanent/General: The recipient's mailbox does not exist.",
    });

    const soft = await deliver({
      type: "email.bounced",
      emailId,
      bounce: { type: "Transient", message: "Inbox full" },
    });
    expect(verifyResendWebhook({ ...soft, secret: fake.webhookSecret })).toMatchObject({
      type: "bounced",
      permanent: false,
      reason: "Transient/MailboxFull: Inbox full",
    });
  });

  it("maps complained and failed", async () => {
    const emailId = await sendRealEmail();
    const complained = await deliver({ type: "email.complained", emailId });
    expect(verifyResendWebhook({ ...complained, secret: fake.webhookSecret })).toMatchObject({
      type: "complained",
      providerId: emailId,
    });
    const failed = await deliver({ type: "email.failed", emailId, failedReason: "reached_daily_quota" });
    expect(verifyResendWebhook({ ...failed, secret: fake.webhookSecret })).toMatchObject({
      type: "failed",
      providerId: emailId,
      reason: "reached_daily_quota",
    });
  });

  it("ignores other event types", async () => {
    for (const type of ["email.opened", "email.sent", "email.delivery_delayed", "contact.created"]) {
      const { rawBody, headers } = await deliver({ type, emailId: randomUUID() });
      expect(verifyResendWebhook({ rawBody, headers, secret: fake.webhookSecret })).toEqual({
        type: "ignored",
        eventType: type,
      });
    }
  });

  it("accepts header names in any case and repeated signature headers", () => {
    const { rawBody, headers } = signed(JSON.stringify({ type: "email.opened", created_at: "", data: {} }));
    const event = verifyResendWebhook({
      rawBody,
      headers: {
        "Svix-Id": headers["svix-id"],
        "SVIX-TIMESTAMP": headers["svix-timestamp"],
        "svix-signature": ["v1,bm90IGl0", headers["svix-signature"]],
      },
      secret: fake.webhookSecret,
    });
    expect(event).toEqual({ type: "ignored", eventType: "email.opened" });
  });

  it("refuses a tampered body", async () => {
    const { rawBody, headers } = await deliver({ type: "email.delivered", emailId: randomUUID() });
    const tampered = rawBody.replace("email.delivered", "email.complained");
    expect(tampered).not.toBe(rawBody);

    expect(() => verifyResendWebhook({ rawBody: tampered, headers, secret: fake.webhookSecret })).toThrow(
      new WebhookSignatureError("Resend webhook refused: No matching signature found"),
    );
  });

  it("refuses a wrong secret", async () => {
    const { rawBody, headers } = await deliver({ type: "email.delivered", emailId: randomUUID() });
    const otherSecret = `whsec_${randomBytes(24).toString("base64")}`;

    expect(() => verifyResendWebhook({ rawBody, headers, secret: otherSecret })).toThrow(/No matching signature found/);
  });

  it("refuses missing headers", async () => {
    const { rawBody, headers } = await deliver({ type: "email.delivered", emailId: randomUUID() });
    for (const name of ["svix-id", "svix-timestamp", "svix-signature"]) {
      const partial = { ...headers, [name]: undefined };
      let error: unknown;
      try {
        verifyResendWebhook({ rawBody, headers: partial, secret: fake.webhookSecret });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WebhookSignatureError);
      expect((error as Error).message).toContain("Missing required headers");
    }
  });

  it("refuses a timestamp 10 minutes old (and one 10 minutes ahead), though correctly signed", async () => {
    const { rawBody } = await deliver({ type: "email.delivered", emailId: randomUUID() });
    const now = Math.floor(Date.now() / 1000);

    expect(verifyResendWebhook(signed(rawBody, now)).type).toBe("delivered");
    expect(() => verifyResendWebhook(signed(rawBody, now - 600))).toThrow(/Message timestamp too old/);
    expect(() => verifyResendWebhook(signed(rawBody, now + 600))).toThrow(/Message timestamp too new/);
  });

  it("a signed payload without data.email_id throws WebhookPayloadError naming the field", () => {
    const body = JSON.stringify({ type: "email.delivered", created_at: new Date().toISOString(), data: {} });
    let error: unknown;
    try {
      verifyResendWebhook(signed(body));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as WebhookPayloadError).field).toBe("data.email_id");
    expect((error as Error).message).toContain("data.email_id");
  });

  it("other malformed payloads name their field", () => {
    const at = new Date().toISOString();
    const fieldOf = (body: string) => {
      try {
        verifyResendWebhook(signed(body));
      } catch (error) {
        if (error instanceof WebhookPayloadError) return error.field;
        throw error;
      }
      throw new Error("expected a WebhookPayloadError");
    };
    expect(fieldOf(JSON.stringify({ type: "email.bounced", created_at: at, data: { email_id: "e" } }))).toBe(
      "data.bounce",
    );
    expect(fieldOf(JSON.stringify({ type: "email.failed", created_at: at, data: { email_id: "e" } }))).toBe(
      "data.failed",
    );
    expect(fieldOf(JSON.stringify({ type: "email.delivered", created_at: "yesterday", data: { email_id: "e" } }))).toBe(
      "created_at",
    );
    expect(fieldOf(JSON.stringify({ created_at: at, data: {} }))).toBe("type");
    expect(fieldOf("not json")).toBe("body");
    expect(fieldOf("")).toBe("body");
  });

  it("a missing or malformed secret is a configuration error, not a signature error", () => {
    const input = signed("{}");
    expect(() => verifyResendWebhook({ ...input, secret: "" })).toThrow(/secret is missing or malformed/);
    expect(() => verifyResendWebhook({ ...input, secret: "whsec_not base64!" })).toThrow(
      /secret is missing or malformed/,
    );
  });
});
