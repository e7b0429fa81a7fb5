import { expect, type Page, test } from "@playwright/test";
import { sentEmails } from "./fixtures/resend";
import { newAccount, PASSWORD, screenshot, signIn, signOut, signUp, uniqueEmail } from "./helpers";

// Each flow signs up, waits for the worker's email and signs in again: more than the default 30 s on a busy machine.
test.describe.configure({ timeout: 90_000 });

/** The link in the newest email to this address with this subject, once the worker has sent it. */
async function linkFrom(to: string, subject: string): Promise<string> {
  let link = "";
  await expect
    .poll(
      async () => {
        const email = (await sentEmails(to)).filter((e) => e.subject === subject).at(-1);
        link = /https?:\/\/\S+/.exec(email?.text ?? "")?.[0] ?? "";
        return link;
      },
      { timeout: 30_000, intervals: [250, 500, 1_000] },
    )
    .not.toBe("");
  return link;
}

async function both(page: Page, name: string) {
  await screenshot(page, name);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("sign-up asks to confirm the email; the link confirms it and the banner goes", async ({ page }) => {
  const account = await signUp(page);
  const banner = page.getByRole("status").filter({ hasText: "Confirm your email address" });
  await expect(banner).toContainText("open the link we sent you");
  await banner.getByRole("button", { name: "Resend link" }).click();
  // Right after sign-up the first link has just gone out: the banner says so rather than sending another.
  await expect(banner).toContainText(/A new link is on its way\.|We sent one less than a minute ago/);
  await both(page, "verify-banner");

  const link = await linkFrom(account.email, "Confirm your email address");
  await page.goto(link);
  await expect(page.getByText(`${account.email} is confirmed.`)).toBeVisible();
  await both(page, "verify-email-done");
  await page.getByRole("link", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Clients" })).toBeVisible();
  await expect(page.getByText("Confirm your email address")).toHaveCount(0);

  // The link works once.
  await page.goto(link);
  await expect(page.getByText("This link has expired or was already used")).toBeVisible();
});

test("forgot password: the emailed link sets a new password and signs in", async ({ page }) => {
  const account = await signUp(page);
  await signOut(page);

  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await both(page, "forgot-password");
  await page.getByLabel("Email").fill(account.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText("Check your email")).toBeVisible();
  await expect(page.getByText(`If an account uses ${account.email}`)).toBeVisible();
  await both(page, "forgot-password-sent");

  // An unknown address gets the very same page.
  await page.getByRole("button", { name: "try another address" }).click();
  const stranger = uniqueEmail("nobody");
  await page.getByLabel("Email").fill(stranger);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText(`If an account uses ${stranger}`)).toBeVisible();

  const link = await linkFrom(account.email, "Reset your password");
  expect(link).toContain("/reset-password?token=");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await both(page, "reset-password");
  await page.getByLabel("New password").fill("a-brand-new-password");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Clients" })).toBeVisible();

  // Used: the same link now says so, and the new password is the one that signs in.
  await signOut(page);
  await page.goto(link);
  await page.getByLabel("New password").fill("another-new-password");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(page.getByText("This reset link has expired or was already used")).toBeVisible();
  await page.goto("/login");
  await signIn(page, account.email, PASSWORD);
  await expect(page.getByText("Invalid email or password")).toBeVisible();
  await signIn(page, account.email, "a-brand-new-password");
  await expect(page.getByRole("heading", { level: 1, name: "Clients" })).toBeVisible();
  expect((await sentEmails(stranger)).length).toBe(0);
});

test("changing the email takes effect only from the link sent to the new address", async ({ page }) => {
  const account = await signUp(page, newAccount("Grace Hopper"));
  const moved = uniqueEmail("moved");
  await page.goto("/settings");
  const card = page.locator("form").filter({ has: page.getByRole("heading", { name: "Sign-in email" }) });
  await card.getByLabel("New email").fill(moved);
  await card.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await card.getByRole("button", { name: "Change email" }).click();
  await expect(card.getByText(`Check ${moved}`)).toBeVisible();
  await expect(card).toContainText(`You sign in with ${account.email}`);
  await card.scrollIntoViewIfNeeded();
  await both(page, "settings-email-change");

  // The current address is told, with no link.
  await expect
    .poll(async () => (await sentEmails(account.email)).map((e) => e.subject), { timeout: 30_000 })
    .toContain("A change of your sign-in email was requested");
  const link = await linkFrom(moved, "Confirm your new email address");
  await page.goto(link);
  await expect(page.getByText(`You now sign in with ${moved}.`)).toBeVisible();
  await page.goto("/settings");
  await expect(
    page.locator("form").filter({ has: page.getByRole("heading", { name: "Sign-in email" }) }),
  ).toContainText(`You sign in with ${moved} (confirmed).`);
  await signOut(page);
  await signIn(page, moved, PASSWORD);
  await expect(page.getByRole("heading", { level: 1, name: "Clients" })).toBeVisible();
});

test("with no email provider the pages say what happens instead of claiming an email went out", async ({ page }) => {
  // The e2e server has a provider; answer as a server with only the outbox would (delivery is server
  // configuration, the same in every answer that carries it).
  await page.route("**/trpc/**", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replaceAll('"delivery":"email"', '"delivery":"outbox"');
    await route.fulfill({ response, body });
  });
  const account = await signUp(page);
  await expect(page.getByText("Confirm your email address")).toHaveCount(0);

  await page.goto("/settings");
  const card = page.locator("form").filter({ has: page.getByRole("heading", { name: "Sign-in email" }) });
  await card.getByLabel("New email").fill(uniqueEmail("moved"));
  await card.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await card.getByRole("button", { name: "Change email" }).click();
  await expect(card.getByText("No email was sent")).toBeVisible();
  await expect(card).toContainText("written to the server's log");

  await signOut(page);
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(account.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText("This server cannot send email")).toBeVisible();
  await expect(page.getByText(`pnpm crm reset-password --user ${account.email}`)).toBeVisible();
  await expect(page.getByText("Check your email")).toHaveCount(0);
  await both(page, "forgot-password-outbox");
});
