import { expect, test } from "@playwright/test";
import { mutate } from "./fixtures/api";
import { screenshot, signUp } from "./helpers";

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
  await expect(row).toContainText("outbox");
  await expect(row.getByRole("cell").nth(3)).toHaveText("1");
  await expect(row).toContainText("Scheduled");
  await expect(row).toContainText("Sent");
  await expect(page.getByText("Email is not configured: messages stay here in the outbox")).toBeVisible();
  await screenshot(page, "sent-emails");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(row).toContainText(/Sent \w{3} \d+ \w{3}, \d\d:\d\d/);
  await screenshot(page, "sent-emails-phone");
  await page.setViewportSize({ width: 1280, height: 800 });

  await row.getByRole("link", { name: "Booking" }).click();
  await expect(page).toHaveURL(new RegExp(`/bookings/${booking.id}$`));
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
