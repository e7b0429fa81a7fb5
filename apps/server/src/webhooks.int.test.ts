import { ManualClock } from "@crm/core";
import { createTestUser } from "@crm/core/testing";
import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { type FakeResend, startFakeResend } from "@crm/testing/fake-resend";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "./app";

const testDb = useTestDatabase();
let app: App;
let fake: FakeResend;

beforeAll(async () => {
  fake = await startFakeResend();
  app = await buildApp({
    db: testDb().db,
    clock: new ManualClock(),
    appUrl: "http://localhost:3000",
    webDistDir: null,
    resendWebhookSecret: fake.webhookSecret,
  });
});
afterAll(async () => {
  await app.close();
  await fake.close();
});

async function sentEmail(providerId: string) {
  const ctx = { db: testDb().db, clock: new ManualClock() };
  const user = await createTestUser(ctx);
  const [row] = await ctx.db
    .insert(schema.emailMessages)
    .values({ userId: user.id, kind: "reminder", status: "sent", provider: "resend", providerId, sentAt: new Date() })
    .returning();
  return row!;
}

const statusOf = async (id: string) =>
  (await testDb().db.select().from(schema.emailMessages).where(eq(schema.emailMessages.id, id)))[0]!;

describe("POST /webhooks/resend", () => {
  it("accepts a signed delivered event and a permanent bounce", async () => {
    const delivered = await sentEmail("re_delivered_1");
    const event = fake.buildWebhook({ type: "email.delivered", emailId: "re_delivered_1" });
    const response = await app.inject({
      method: "POST",
      url: "/webhooks/resend",
      headers: { ...event.headers, "content-type": "application/json" },
      payload: event.body,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, applied: true });
    expect(await statusOf(delivered.id)).toMatchObject({ status: "delivered" });

    const bounced = await sentEmail("re_bounced_1");
    const bounce = fake.buildWebhook({
      type: "email.bounced",
      emailId: "re_bounced_1",
      bounce: { type: "Permanent", message: "Mailbox does not exist" },
    });
    await app.inject({
      method: "POST",
      url: "/webhooks/resend",
      headers: { ...bounce.headers, "content-type": "application/json" },
      payload: bounce.body,
    });
    expect(await statusOf(bounced.id)).toMatchObject({
      status: "bounced",
      lastError: expect.stringContaining("Mailbox does not exist"),
    });
    // A late "delivered" never overwrites the bounce.
    const late = fake.buildWebhook({ type: "email.delivered", emailId: "re_bounced_1" });
    await app.inject({
      method: "POST",
      url: "/webhooks/resend",
      headers: { ...late.headers, "content-type": "application/json" },
      payload: late.body,
    });
    expect((await statusOf(bounced.id)).status).toBe("bounced");
  });

  it("refuses a tampered body, a missing signature and a foreign secret", async () => {
    const email = await sentEmail("re_tampered_1");
    const event = fake.buildWebhook({ type: "email.delivered", emailId: "re_tampered_1" });
    const tampered = await app.inject({
      method: "POST",
      url: "/webhooks/resend",
      headers: { ...event.headers, "content-type": "application/json" },
      payload: event.body.replace("email.delivered", "email.bounced"),
    });
    expect(tampered.statusCode).toBe(401);
    const unsigned = await app.inject({
      method: "POST",
      url: "/webhooks/resend",
      headers: { "content-type": "application/json" },
      payload: event.body,
    });
    expect(unsigned.statusCode).toBe(401);
    const other = await startFakeResend();
    const foreign = other.buildWebhook({ type: "email.delivered", emailId: "re_tampered_1" });
    await other.close();
    const refused = await app.inject({
      method: "POST",
      url: "/webhooks/resend",
      headers: { ...foreign.headers, "content-type": "application/json" },
      payload: foreign.body,
    });
    expect(refused.statusCode).toBe(401);
    expect((await statusOf(email.id)).status).toBe("sent");
  });

  it("reports a bounce rate over 5% in /health", async () => {
    for (let i = 0; i < 6; i++) {
      const email = await sentEmail(`re_rate_${i}`);
      if (i < 2)
        await testDb()
          .db.update(schema.emailMessages)
          .set({ status: "bounced" })
          .where(eq(schema.emailMessages.id, email.id));
    }
    const health = await app.inject({ method: "GET", url: "/health" });
    expect(health.json().warnings).toEqual([expect.stringMatching(/bounced \(over 5%\)/)]);
  });
});
