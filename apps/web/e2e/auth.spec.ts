import { expect, test } from "@playwright/test";
import { newAccount, screenshot, signIn, signOut, signUp, uniqueEmail } from "./helpers";

test("sign up lands in the shell; sign out returns to /login; sign in again", async ({ page }) => {
  await page.goto("/signup");
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await screenshot(page, "signup");

  const account = await signUp(page, newAccount("Grace Hopper"));
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const item of ["Clients", "Pipeline", "Calendar", "Bookings", "Import", "Settings"]) {
    await expect(nav.getByRole("link", { name: item })).toBeVisible();
  }
  await expect(nav.getByRole("link", { name: "Clients" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByText(account.email)).toBeVisible();
  await expect(page.getByText("Grace Hopper")).toBeVisible();
  await screenshot(page, "shell-clients");

  await signOut(page);
  await expect(page.getByRole("heading", { name: "Sign in to your account" })).toBeVisible();
  await screenshot(page, "login");

  // Signed out, the guarded pages send you to sign in.
  await page.goto("/clients");
  await expect(page).toHaveURL(/\/login\?redirect=%2Fclients$/);

  await signIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/clients$/);
  await expect(page.getByText(account.email)).toBeVisible();
});

test("sign in returns to the page that asked for it", async ({ page }) => {
  const account = await signUp(page);
  await signOut(page);

  await page.goto("/bookings");
  await expect(page).toHaveURL(/\/login\?redirect=%2Fbookings$/);
  await signIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/bookings$/);
  await expect(page.getByRole("heading", { level: 1, name: "Bookings" })).toBeVisible();
});

test("the root path goes to clients", async ({ page }) => {
  await signUp(page);
  await page.goto("/");
  await expect(page).toHaveURL(/\/clients$/);
});

test("a wrong password says so without revealing which part was wrong", async ({ page }) => {
  const account = await signUp(page);
  await signOut(page);

  await signIn(page, account.email, "not-the-password");
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
  await expect(page).toHaveURL(/\/login$/);
  await screenshot(page, "login-error");
});

test("after 5 failed attempts the 6th is throttled", async ({ page }) => {
  const email = uniqueEmail("throttle");
  await page.goto("/login");
  const submit = page.getByRole("button", { name: "Sign in" });
  for (let attempt = 1; attempt <= 5; attempt++) {
    await signIn(page, email, `wrong-password-${attempt}`);
    await expect(page.getByRole("alert")).toHaveText("Invalid email or password");
    await expect(submit).toBeEnabled();
  }
  await signIn(page, email, "wrong-password-6");
  await expect(page.getByRole("alert")).toContainText("Too many failed sign-in attempts");
  await expect(page.getByRole("alert")).toContainText(/Try again in \d+ minute/);
});

test("sign up shows field errors next to the fields", async ({ page }) => {
  const account = await signUp(page);
  await signOut(page);

  await page.goto("/signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Name is required")).toBeVisible();
  await expect(page.getByLabel("Your name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Your name")).toBeFocused();

  await page.getByLabel("Your name").fill("Someone Else");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Password must be at least 10 characters")).toBeVisible();

  // The server's answer for a taken address appears under the email field.
  await page.getByLabel("Password", { exact: true }).fill("long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "signup-errors");
});

test("an expired session sends you to sign in and back", async ({ page, context }) => {
  const account = await signUp(page);
  await context.clearCookies();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/login\?redirect=%2Fsettings$/);
  await signIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(account.name);
});
