import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { createBooking, createClient, localInstant } from "./booking-helpers";
import { signUp } from "./helpers";

/** The WCAG 2.1 A and AA rules axe knows; a serious or critical violation fails the page. */
async function expectNoSeriousViolations(page: Page, name: string): Promise<void> {
  // Let entry animations finish: a half-faded element reads as low contrast.
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(300);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`);
  expect(serious, `accessibility violations on ${name}`).toEqual([]);
}

async function visit(page: Page, path: string, heading: string | RegExp): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
}

test("sign in, sign up and the 404 page have no serious accessibility violations", async ({ page }) => {
  await visit(page, "/login", "Sign in to your account");
  await expectNoSeriousViolations(page, "/login");
  await visit(page, "/signup", "Create your account");
  await expectNoSeriousViolations(page, "/signup");
  await visit(page, "/no/such/page", "Page not found");
  await expectNoSeriousViolations(page, "the 404 page");
});

test("every signed-in page has no serious accessibility violations", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
  const client = await createClient(page, "Grace", "Hopper");
  const booking = await createBooking(page, {
    clientId: client.id,
    title: "Intro session",
    startsAt: await localInstant(page, 1, 10),
    endsAt: await localInstant(page, 1, 11),
  });

  const pages: [path: string, heading: string | RegExp][] = [
    ["/clients", "Clients"],
    [`/clients/${client.id}`, "Grace Hopper"],
    ["/clients/trash", "Trash"],
    ["/pipeline", "Pipeline"],
    ["/bookings", "Bookings"],
    [`/bookings/${booking.id}`, "Intro session"],
    ["/calendar", "Calendar"],
    ["/imports", "Import"],
    ["/emails", "Sent emails"],
    ["/settings", "Settings"],
  ];
  for (const [path, heading] of pages) {
    await visit(page, path, heading);
    await expectNoSeriousViolations(page, path);
  }

  // A dialog with the client picker open, as someone booking a session sees it.
  await visit(page, "/bookings", "Bookings");
  await page.getByRole("button", { name: "New booking" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New booking" });
  await dialog.getByRole("combobox", { name: "Client", exact: true }).click();
  await expect(dialog.getByRole("option", { name: /Grace Hopper/ })).toBeVisible();
  await expectNoSeriousViolations(page, "the new booking dialog");
});
