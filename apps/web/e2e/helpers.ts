import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Locator, type Page } from "@playwright/test";

const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");

export const PASSWORD = "correct-horse-battery";

export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}@example.com`;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Let fonts, icons and entry animations settle so the picture shows the resting state.
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(300);
  // Grow the viewport to the whole page rather than using `fullPage`, which would leave fixed elements
  // (the sidebar) at their first-screen height.
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (viewport && height > viewport.height) await page.setViewportSize({ width: viewport.width, height });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  if (viewport && height > viewport.height) await page.setViewportSize(viewport);
}

export interface Account {
  name: string;
  email: string;
  password: string;
}

export function newAccount(name = "Ada Lovelace"): Account {
  return { name, email: uniqueEmail(), password: PASSWORD };
}

/** Signs up through the form and waits for the shell. */
export async function signUp(page: Page, account: Account = newAccount()): Promise<Account> {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/clients$/);
  await expect(page.getByRole("heading", { level: 1, name: "Clients" })).toBeVisible();
  return account;
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  // Right after a sign-out the URL is /login while the page left behind (Settings has email fields
  // of its own) may still be on screen: wait until the sign-in form's field is the only one.
  await expect(page.getByLabel("Email")).toHaveCount(1);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/** The notifications region: a notice's text is looked for there, not mistaken for the page's own. */
export function notifications(page: Page): Locator {
  return page.getByRole("region", { name: "Notifications" });
}
