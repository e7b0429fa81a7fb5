import { expect, test } from "@playwright/test";
import { createClient, trpcMutation, trpcQuery } from "./crm-helpers";
import { notifications, screenshot, signIn, signUp } from "./helpers";

test("delete the account in Settings, sign in again to see the date, cancel and land in the app", async ({ page }) => {
  const account = await signUp(page);
  await page.goto("/settings");
  const card = page.getByRole("region", { name: "Delete your account" });
  await expect(card.getByText(/Everything is deleted 30 days later, on/)).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, "privacy-delete-account-card");

  await card.getByRole("button", { name: "Delete account…" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete your account?" });
  await dialog.getByLabel("Password", { exact: true }).fill("not-my-password");
  await dialog.getByRole("button", { name: "Delete account" }).click();
  await expect(dialog.getByText("Password is incorrect")).toBeVisible();
  await screenshot(page, "privacy-delete-account-dialog");
  await dialog.getByLabel("Password", { exact: true }).fill(account.password);
  await dialog.getByRole("button", { name: "Delete account" }).click();

  await expect(page).toHaveURL(/\/login\?deleted=/);
  const notice = page.getByRole("status").filter({ hasText: "Your account is scheduled for deletion" });
  await expect(notice).toContainText(/It will be deleted on \w+day \d+ \w+ \d{4}/);
  await screenshot(page, "privacy-deleted-sign-in");

  await signIn(page, account.email, account.password);
  await expect(page.getByRole("heading", { name: "Your account is scheduled for deletion" })).toBeVisible();
  await expect(page.getByText(/on \w+day \d+ \w+ \d{4}/)).toBeVisible();
  // The app stays closed: the server refuses everything but the cancel.
  const refused = await page.request.get("/trpc/clients.list?input=%7B%22json%22%3A%7B%7D%7D");
  expect(refused.status()).toBe(403);
  await screenshot(page, "privacy-pending-deletion");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "privacy-pending-deletion-phone");
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole("button", { name: "Cancel deletion" }).click();
  await expect(notifications(page).getByText("Your account will not be deleted")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Clients" })).toBeVisible();
  const me = await trpcQuery<{ deletionScheduledFor: string | null }>(page, "auth.me");
  expect(me.deletionScheduledFor).toBeNull();
});

test("erase a client from its page: gone from the list and not in Trash", async ({ page }) => {
  await signUp(page);
  const client = await createClient(page, { firstName: "Imogen", lastName: "Forgotten", email: "imogen@example.com" });
  await createClient(page, { firstName: "Kept", lastName: "Client" });
  // A booking three days ahead: its reminder waits in Sent emails until the day before.
  const startsAt = new Date(Date.now() + 3 * 24 * 3600_000);
  await trpcMutation(page, "bookings.create", {
    clientId: client.id,
    title: "Session with Imogen",
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
    status: "confirmed",
  });
  await page.goto(`/clients/${client.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Imogen Forgotten" })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "privacy-client-actions-phone");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "Erase all data…" }).click();
  const dialog = page.getByRole("dialog", { name: "Erase all data about Imogen Forgotten?" });
  await expect(dialog.getByText("Unlike Trash, this cannot be undone.")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Erase for good" })).toBeDisabled();
  await dialog.getByLabel("Type Imogen Forgotten to confirm").fill("imogen forgotten");
  await screenshot(page, "privacy-erase-client-dialog");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "privacy-erase-client-dialog-phone");
  await page.setViewportSize({ width: 1280, height: 800 });
  await dialog.getByRole("button", { name: "Erase for good" }).click();

  await expect(page).toHaveURL(/\/clients$/);
  await expect(notifications(page).getByText("Erased all data about Imogen Forgotten")).toBeVisible();
  await expect(page.getByRole("link", { name: "Kept Client" }).first()).toBeVisible();
  await expect(page.getByText("Imogen Forgotten")).toHaveCount(0);
  await page.goto("/clients/trash");
  await expect(page.getByRole("heading", { name: "Trash is empty" })).toBeVisible();
  // The reminder is kept as a fact (cancelled, with its times), without the address or the booking.
  await page.goto("/emails");
  await expect(page.getByText("Erased", { exact: true })).toBeVisible();
  await expect(page.getByText("imogen@example.com")).toHaveCount(0);
  await screenshot(page, "privacy-erased-email");
});

test("erase a client from Trash", async ({ page }) => {
  await signUp(page);
  const client = await createClient(page, { firstName: "Trashed", lastName: "Person" });
  await page.goto(`/clients/${client.id}`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("button", { name: "Move to Trash" }).click();
  await expect(notifications(page).getByText("Moved Trashed Person to Trash")).toBeVisible();
  await page.goto("/clients/trash");
  await expect(page.getByRole("button", { name: "Restore Trashed Person" })).toBeVisible();
  await screenshot(page, "privacy-trash-row");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "privacy-trash-row-phone");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "Erase all data about Trashed Person" }).click();
  const dialog = page.getByRole("dialog", { name: "Erase all data about Trashed Person?" });
  await dialog.getByLabel("Type Trashed Person to confirm").fill("Trashed Person");
  await dialog.getByRole("button", { name: "Erase for good" }).click();
  await expect(page.getByRole("heading", { name: "Trash is empty" })).toBeVisible();
  await screenshot(page, "privacy-erase-from-trash");
});
