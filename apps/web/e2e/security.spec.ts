import { expect, type Page, test } from "@playwright/test";
import { notifications, screenshot, signIn, signOut, signUp } from "./helpers";
import { totp, totpStep } from "./totp";

const PHONE = { width: 390, height: 844 };

/** The laptop picture and the phone picture of the same state. */
async function screenshotBoth(page: Page, name: string) {
  await screenshot(page, name);
  const laptop = page.viewportSize()!;
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(laptop);
}

/** A code of a later time step than `usedStep`: the server refuses a code twice (replay). */
async function freshCode(page: Page, secret: string, usedStep: number): Promise<string> {
  while (totpStep() <= usedStep) await page.waitForTimeout(500);
  return totp(secret);
}

test("two-factor sign-in: turn on, sign in with a code and with a recovery code, end the other session", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const account = await signUp(page);
  await page.goto("/settings");
  const security = page.locator("section", { has: page.getByRole("heading", { name: "Two-factor sign-in" }) });
  await expect(security.getByText("Off", { exact: true })).toBeVisible();
  await screenshotBoth(page, "security-off");

  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secretBox = page.getByTestId("totp-secret");
  await expect(secretBox).toBeVisible();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await secretBox.getAttribute("data-secret"))!;
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await screenshotBoth(page, "security-setup");

  await page.getByLabel("Code from the app").fill("000000");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("That code is not right")).toBeVisible();

  const enabledStep = totpStep();
  await page.getByLabel("Code from the app").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("Two-factor sign-in is on")).toBeVisible();
  const codes = await page.getByTestId("recovery-code").allTextContents();
  expect(codes).toHaveLength(10);
  await screenshotBoth(page, "security-recovery-codes");
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByText("10 recovery codes left.")).toBeVisible();
  await expect(security.getByText("On", { exact: true })).toBeVisible();

  // Sign in again: the password, then the app's code.
  await signOut(page);
  await signIn(page, account.email, account.password);
  await expect(page.getByRole("heading", { name: "Two-factor sign-in" })).toBeVisible();
  const codeField = page.getByLabel("Authentication code");
  await expect(codeField).toHaveAttribute("inputmode", "numeric");
  await expect(codeField).toHaveAttribute("autocomplete", "one-time-code");
  await screenshotBoth(page, "login-code-step");
  await codeField.fill("123 000");
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByText("That code is not right")).toBeVisible();
  await codeField.fill(await freshCode(page, secret, enabledStep));
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page).toHaveURL(/\/clients$/);

  // A second browser signs in with a recovery code.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto("/login");
  await signIn(otherPage, account.email, account.password);
  await otherPage.getByRole("button", { name: "Use a recovery code" }).click();
  await otherPage.getByLabel("Recovery code").fill(codes[0]!);
  await screenshot(otherPage, "login-recovery-code");
  await otherPage.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(otherPage).toHaveURL(/\/clients$/);

  // The first browser sees both sessions and ends the other one.
  await page.goto("/settings");
  const rows = page.getByTestId("session-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "This device" })).toHaveCount(1);
  await expect(page.getByText("9 recovery codes left.")).toBeVisible();
  await screenshotBoth(page, "security-on-sessions");
  const otherRow = rows.filter({ hasNotText: "This device" });
  await otherRow.getByRole("button", { name: /^Sign out/ }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("Sign out this session?")).toBeVisible();
  await dialog.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(notifications(page).getByText("Session signed out")).toBeVisible();
  await expect(rows).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Sign out all other sessions" })).toHaveCount(0);

  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();

  // Turning it off takes the password.
  await page.getByRole("button", { name: "Turn off" }).click();
  const off = page.getByRole("dialog");
  await off.getByLabel("Password", { exact: true }).fill("wrong-password-1");
  await off.getByRole("button", { name: "Turn off" }).click();
  await expect(off.getByText("Password is incorrect")).toBeVisible();
  await screenshot(page, "security-turn-off");
  await off.getByLabel("Password", { exact: true }).fill(account.password);
  await off.getByRole("button", { name: "Turn off" }).click();
  await expect(notifications(page).getByText("Two-factor sign-in turned off")).toBeVisible();
  await expect(security.getByText("Off", { exact: true })).toBeVisible();
});
