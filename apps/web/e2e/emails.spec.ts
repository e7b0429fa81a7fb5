import { createHmac, randomUUID } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { mutate, query } from "./fixtures/api";
import { E2E_RESEND_WEBHOOK_SECRET, sentEmails } from "./fixtures/resend";
import { notifications, screenshot, signUp } from "./helpers";

/** POSTs a Resend webhook signed the way Resend (Svix) signs it, with the server's secret. */
async function postResendWebhook(page: Page, event: Record<string, unknown>) {
  const body = JSON.stringify(event);
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(E2E_RESEND_WEBHOOK_SECRET.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  const response = await page.request.post("/webhooks/resend", {
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(timestamp),
      "svix-signature": `v1,${signature}`,
    },
    data: body,
  });
  expect(response.status(), await response.text()).toBeLessThan(300);
}

test("a booking's reminder shows up in Sent emails once the worker has sent it", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);

  // With no email yet, the page explains what will appear here.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sent emails" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sent emails" })).toBeVisible();
  await expect(page.getByText("No emails yet")).toBeVisible();

  const client = await mutate<{ id: string }>(page, "clients.create", {
    firstName: "Maya",
    email: "maya@example.com",
  });
  // Three hours ahead: too late for "the day before", so the reminder goes out now.
  const startsAt = new Date(Date.now() + 3 * 3600_000);
  startsAt.setSeconds(0, 0);
  const endsAt = new Date(startsAt.getTime() + 3600_000);
  const booking = await mutate<{ id: string }>(
    page,
    "bookings.create",
    {
      clientId: client.id,
      title: "Coaching session",
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      status: "confirmed",
    },
    ["startsAt", "endsAt"],
  );

  const row = page.locator("tbody tr").filter({ hasText: "maya@example.com" });
  await expect(async () => {
    await page.reload();
    await expect(row.locator('[data-status="sent"]')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 45_000, intervals: [1_000, 2_000] });

  await expect(row).toContainText("Booking reminder");
  await expect(row).toContainText("Coaching session");
  await expect(row.getByRole("cell").nth(3)).toHaveText("1");
  await expect(row).toContainText("Scheduled");
  await expect(row).toContainText("Sent");
  // The e2e server sends through the (fake) Resend: no outbox label, no "not configured" notice.
  await expect(row).not.toContainText("outbox");
  await expect(page.getByText("Email is not configured")).toHaveCount(0);
  expect((await sentEmails("maya@example.com")).map((email) => email.subject)).toHaveLength(1);
  // The page keeps the message as sent.
  await row.getByText("Show message").filter({ visible: true }).click();
  const message = row.locator("pre").filter({ visible: true });
  await expect(message).toContainText("Hi Maya,");
  await expect(message).toContainText("Coaching session");
  await screenshot(page, "sent-emails");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(row).toContainText(/Sent \w{3} \d+ \w{3}, \d\d:\d\d/);
  await screenshot(page, "sent-emails-phone");
  await page.setViewportSize({ width: 1280, height: 800 });

  await row.getByRole("link", { name: "Booking" }).click();
  await expect(page).toHaveURL(new RegExp(`/bookings/${booking.id}$`));

  // The booking says it went out, and Resend reminder sends one more (a second row in Sent emails).
  const reminder = page.getByRole("region", { name: "Reminder email" });
  await expect(reminder).toContainText(/Reminder sent at/);
  await reminder.getByRole("button", { name: "Resend reminder" }).click();
  await expect(notifications(page).getByText("Reminder on its way")).toBeVisible();
  await expect(async () => {
    await page.goto("/emails");
    await expect(
      page.locator("tbody tr").filter({ hasText: "maya@example.com" }).locator('[data-status="sent"]'),
    ).toHaveCount(2, { timeout: 2_000 });
  }).toPass({ timeout: 45_000, intervals: [1_000, 2_000] });
});

test("times are shown in the user's zone, and a bounce warning appears only when needed", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);
  await mutate(page, "settings.update", { timeZone: "Asia/Tokyo" });
  const client = await mutate<{ id: string }>(page, "clients.create", { firstName: "Kai", email: "kai@example.com" });
  // Starts in three days at 10:00 UTC: the reminder is scheduled for the same wall-clock time the day before,
  // in Tokyo 19:00.
  const startsAt = new Date();
  startsAt.setUTCDate(startsAt.getUTCDate() + 3);
  startsAt.setUTCHours(10, 0, 0, 0);
  await mutate(
    page,
    "bookings.create",
    {
      clientId: client.id,
      title: "Planning",
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
    },
    ["startsAt", "endsAt"],
  );
  await page.goto("/emails");
  const row = page.locator("tbody tr").first();
  await expect(row.locator('[data-status="scheduled"]')).toBeVisible();
  await expect(row).toContainText("19:00");
  await expect(page.getByRole("columnheader", { name: /When \(Asia\/Tokyo\)/ })).toBeVisible();
  await expect(page.getByText("Many emails are bouncing")).toHaveCount(0);
});

test("a bounce rate over 5% shows a warning on every page, not only on Sent emails", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
  await expect(page.getByText("Many emails are bouncing")).toHaveCount(0);
  const client = await mutate<{ id: string }>(page, "clients.create", { firstName: "Bo", email: "bo@example.com" });
  // Six bookings a few hours ahead: six reminders go out at once (through the outbox here).
  for (let i = 0; i < 6; i++) {
    const startsAt = new Date(Date.now() + (3 + i) * 3600_000);
    startsAt.setSeconds(0, 0);
    await mutate(
      page,
      "bookings.create",
      {
        clientId: client.id,
        title: `Session ${i + 1}`,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 1800_000).toISOString(),
      },
      ["startsAt", "endsAt"],
    );
  }
  type Emails = { items: { id: string; status: string }[] };
  await expect(async () => {
    const emails = await query<Emails>(page, "emails.list", {});
    expect(emails.items.filter((email) => email.status === "sent")).toHaveLength(6);
  }).toPass({ timeout: 60_000, intervals: [1_000, 2_000] });
  const [bounced] = (await query<Emails>(page, "emails.list", {})).items;
  // Resend's id for it: the fake Resend got our id as the idempotency key.
  const providerId = (await sentEmails("bo@example.com")).find((email) => email.idempotencyKey === bounced!.id)?.id;
  expect(providerId).toMatch(/^[0-9a-f-]{36}$/);

  // Resend reports one of them bounced: 1 of 6 is 17%.
  await postResendWebhook(page, {
    type: "email.bounced",
    created_at: new Date().toISOString(),
    data: {
      email_id: providerId,
      created_at: new Date().toISOString(),
      from: "CRM Reminders <reminders@example.com>",
      to: ["bo@example.com"],
      subject: "Reminder",
      bounce: { message: "Mailbox does not exist", subType: "General", type: "Permanent" },
    },
  });

  await page.goto("/clients");
  const banner = page.getByRole("alert").filter({ hasText: "Many emails are bouncing" });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("1 of 6 sent in the last 24 hours (17%)");
  await screenshot(page, "bounce-banner");
  await banner.getByRole("link", { name: "See sent emails" }).click();
  await expect(page).toHaveURL(/\/emails$/);
  // Sent emails says it in its own words (with the list), not twice.
  await expect(page.getByText("Many emails are bouncing")).toHaveCount(1);
  await expect(page.locator(`[data-status="bounced"]`)).toHaveCount(1);
});
