import { expect, test } from "@playwright/test";
import { screenshot, signUp } from "./helpers";

test("an unknown URL shows the 404 page", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to clients" })).toBeVisible();
  await screenshot(page, "404");
});

test("every section has a designed page", async ({ page }) => {
  await signUp(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const section of ["Pipeline", "Calendar", "Bookings", "Import", "Settings", "Clients"]) {
    await nav.getByRole("link", { name: section }).click();
    await expect(page.getByRole("heading", { level: 1, name: section })).toBeVisible();
    await expect(nav.getByRole("link", { name: section })).toHaveAttribute("aria-current", "page");
  }
  await expect(page).toHaveTitle("Clients · CRM");
  await page.goto("/pipeline");
  await screenshot(page, "pipeline");
});

test("a skip link leads past the navigation", async ({ page }) => {
  await signUp(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await screenshot(page, "skip-link");
  await page.keyboard.press("Enter");
  await expect(page.locator("#main-content")).toBeFocused();
});

test.describe("at phone width", () => {
  test.use({ viewport: { width: 375, height: 812 } });

  test("the sidebar becomes a top bar with a menu", async ({ page }) => {
    await signUp(page);
    const menu = page.getByRole("button", { name: "Open menu" });
    await expect(menu).toBeVisible();
    await expect(page.getByRole("complementary")).toBeHidden();
    await screenshot(page, "phone");

    await menu.click();
    const sheet = page.getByRole("dialog", { name: "Navigation" });
    await expect(sheet).toBeVisible();
    await screenshot(page, "phone-menu");
    await sheet.getByRole("link", { name: "Settings" }).click();
    await expect(sheet).toBeHidden();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await screenshot(page, "phone-settings");

    await menu.click();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toBeHidden();
    await expect(menu).toBeFocused();
  });

  test("sign in fits the screen", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await screenshot(page, "phone-login");
  });
});
