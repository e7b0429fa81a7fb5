import { expect, type Page, test } from "@playwright/test";
import { screenshot, signUp } from "./helpers";

function cookieNotice(page: Page) {
  return page.getByRole("region", { name: "Cookies" });
}

test("the sign-in page's cookie notice links to /privacy, and stays dismissed", async ({ page }) => {
  await page.goto("/login");
  const notice = cookieNotice(page);
  await expect(notice).toContainText("We use cookies only to keep you signed in: no tracking, no ads.");
  await expect(notice.getByRole("link", { name: "Privacy" })).toHaveAttribute("href", "/privacy");
  await screenshot(page, "login-cookie-notice");

  await notice.getByRole("link", { name: "Privacy" }).click();
  await expect(page).toHaveURL(/\/privacy$/);
  await expect(page.getByRole("heading", { level: 1, name: "Privacy at CRM" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "1 year, then deleted" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Resend's privacy policy" })).toHaveAttribute(
    "href",
    "https://resend.com/legal/privacy-policy",
  );
  await screenshot(page, "privacy-page");

  await page.goto("/login");
  await cookieNotice(page).getByRole("button", { name: "OK" }).click();
  await expect(cookieNotice(page)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(cookieNotice(page)).toHaveCount(0);
  await page.goto("/signup");
  await expect(page.getByRole("button", { name: "Create account" })).toBeVisible();
  await expect(cookieNotice(page)).toHaveCount(0);
  // The footer's link stays for anyone who dismissed the notice.
  await expect(page.getByRole("link", { name: "Privacy" })).toHaveAttribute("href", "/privacy");
});

test("the sign-up page shows the notice too, and the app links to /privacy once signed in", async ({ page }) => {
  await page.goto("/signup");
  await expect(cookieNotice(page)).toBeVisible();
  await signUp(page);
  const privacy = page.getByRole("link", { name: "Privacy" });
  await expect(privacy).toHaveAttribute("href", "/privacy");
  await screenshot(page, "shell-privacy-link");
  await privacy.click();
  await expect(page.getByRole("heading", { level: 1, name: "Privacy at CRM" })).toBeVisible();
});

test("the privacy page reads without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto("/privacy");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "Privacy at CRM" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Cookies and local storage" })).toBeVisible();
  await context.close();
});

test.describe("at phone width", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the notice sits below the sign-in form, never over it", async ({ page }) => {
    await page.goto("/login");
    const notice = cookieNotice(page);
    await expect(notice).toBeVisible();
    const link = await page.getByRole("link", { name: "Forgot password?" }).boundingBox();
    const box = await notice.boundingBox();
    if (!link || !box) throw new Error("the form's last link or the notice has no box");
    // The form (down to its "Forgot password?" link) ends above where the notice starts.
    expect(box.y).toBeGreaterThanOrEqual(link.y + link.height);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await screenshot(page, "login-cookie-notice-phone");
    await page.goto("/privacy");
    await expect(page.getByRole("heading", { level: 1, name: "Privacy at CRM" })).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBe(390);
    await screenshot(page, "privacy-page-phone");
  });
});
