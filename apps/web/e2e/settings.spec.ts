import { expect, test } from "@playwright/test";
import { notifications, PASSWORD, screenshot, signIn, signOut, signUp } from "./helpers";

test("profile changes (name and time zone) persist across a reload", async ({ page }) => {
  await signUp(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();

  const name = page.getByLabel("Name", { exact: true });
  await expect(name).toHaveValue("Ada Lovelace");
  await expect(page.getByRole("button", { name: "Save changes" })).toBeDisabled();
  await screenshot(page, "settings");

  await name.fill("Ada King");
  const zone = page.getByRole("combobox", { name: "Time zone" });
  await zone.fill("tokyo");
  await page.getByRole("option", { name: /Asia\/Tokyo/ }).click();
  await expect(zone).toHaveValue("Asia/Tokyo");
  await page.getByLabel("Default phone region").selectOption("JP");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(notifications(page).getByText("Settings saved")).toBeVisible();
  // The sidebar follows the new name at once.
  await expect(page.getByRole("complementary").getByText("Ada King")).toBeVisible();
  await screenshot(page, "settings-saved");

  await page.reload();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Ada King");
  await expect(page.getByRole("combobox", { name: "Time zone" })).toHaveValue("Asia/Tokyo");
  await expect(page.getByLabel("Default phone region")).toHaveValue("JP");
});

test("the time zone picker works from the keyboard", async ({ page }) => {
  await signUp(page);
  await page.goto("/settings");
  const zone = page.getByRole("combobox", { name: "Time zone" });
  await zone.focus();
  await zone.pressSequentially("europe");
  await expect(page.getByRole("listbox")).toBeVisible();
  await screenshot(page, "settings-timezone-picker");
  await zone.fill("berlin");
  await expect(page.getByRole("listbox").getByRole("option")).toHaveCount(1);
  await zone.press("ArrowDown");
  await zone.press("ArrowUp");
  await zone.press("Enter");
  await expect(zone).toHaveValue("Europe/Berlin");
  await expect(page.getByRole("listbox")).toHaveCount(0);
  await screenshot(page, "settings-dirty");
});

test("change password, then sign in with the new one", async ({ page }) => {
  const account = await signUp(page);
  await page.goto("/settings");
  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password", { exact: true }).fill("a-brand-new-password");
  await page.getByLabel("Confirm new password").fill("a-brand-new-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Current password is incorrect")).toBeVisible();

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password has been changed.")).toBeVisible();

  await signOut(page);
  await signIn(page, account.email, PASSWORD);
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
  await signIn(page, account.email, "a-brand-new-password");
  await expect(page).toHaveURL(/\/clients$/);
});

test("a settings load failure shows an error with a working retry", async ({ page }) => {
  await signUp(page);
  await page.route("**/trpc/*settings.get*", (route) => route.abort("failed"));
  await page.goto("/settings");
  const alert = page.getByRole("alert").filter({ hasText: "Could not load your settings" });
  await expect(alert).toBeVisible({ timeout: 15_000 });
  await expect(alert).toContainText("Can't reach the server");
  await screenshot(page, "settings-error");

  await page.unroute("**/trpc/*settings.get*");
  await alert.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Ada Lovelace");
});
