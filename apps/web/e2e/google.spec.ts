import { expect, type Page, request, test } from "@playwright/test";
import { chooseClient, createClient, localDay, ZONE } from "./booking-helpers";
import { notifications, screenshot, signUp, uniqueEmail } from "./helpers";

test.use({ timezoneId: ZONE });
test.describe.configure({ timeout: 120_000 });

/** The fake Google's control API (playwright.config.ts starts it next to the app). */
const control = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 2}`;

interface FakeEvent {
  id: string;
  status: string;
  summary?: string;
  start?: { dateTime?: string };
  end?: { dateTime?: string };
}

async function fakeGoogle<T>(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T> {
  const context = await request.newContext();
  try {
    const response = await context.fetch(`${control}${path}`, { method, ...(body !== undefined && { data: body }) });
    expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(true);
    return (await response.json()) as T;
  } finally {
    await context.dispose();
  }
}

const eventsOf = (account: string) =>
  fakeGoogle<FakeEvent[]>("GET", `/events?account=${encodeURIComponent(account)}`).then((events) =>
    events.filter((e) => e.status !== "cancelled"),
  );

async function syncNow(page: Page) {
  await page.goto("/settings");
  await page.getByRole("button", { name: "Sync now" }).click();
}

test("connect Google Calendar, push a booking, pull a move made in Google, and see the reconnect banner after a revoke", async ({
  page,
}) => {
  await signUp(page);
  await createClient(page, "Maya", "Patel");
  const account = uniqueEmail("google");
  await fakeGoogle("POST", `/sign-in?account=${encodeURIComponent(account)}`);

  // Connect: our consent URL → the fake's consent page → Allow → back in Settings, connected.
  await page.goto("/settings");
  const card = page.getByRole("region", { name: "Google Calendar" });
  await card.getByRole("button", { name: "Connect Google Calendar" }).click();
  await expect(page.getByRole("heading", { name: "Allow access to your Google Account" })).toBeVisible();
  await expect(page.getByTestId("account")).toHaveText(account);
  await screenshot(page, "google-consent");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page).toHaveURL(/\/settings/);
  await expect(notifications(page).getByText("Google Calendar connected")).toBeVisible();
  await expect(card.getByText(/Connected|Syncing/).first()).toBeVisible();

  // A booking made here appears in Google within seconds (the sync job runs on the server's worker).
  const day = await localDay(page, 2);
  await page.goto("/bookings");
  await page.getByRole("button", { name: "New booking" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New booking" });
  await chooseClient(page, "Maya Patel");
  await dialog.getByLabel("Title").fill("Strategy session");
  await dialog.getByLabel("Date").fill(day);
  await dialog.getByLabel("Start").fill("10:00");
  await dialog.getByRole("button", { name: "Book session" }).click();
  await expect(dialog).toBeHidden();
  // 10:00 on that day in the user's zone (the browser runs in it), as an instant.
  const bookedStart = await page.evaluate((d) => new Date(`${d}T10:00`).toISOString(), day);
  let pushed: FakeEvent | undefined;
  await expect
    .poll(
      async () => {
        pushed = (await eventsOf(account)).find((e) => e.summary === "Strategy session");
        return pushed?.start?.dateTime ? new Date(pushed.start.dateTime).toISOString() : null;
      },
      { timeout: 20_000 },
    )
    .toBe(bookedStart);

  // Moved in Google by two hours: Sync now brings it back here.
  const start = new Date(pushed!.start!.dateTime!);
  const end = new Date(pushed!.end!.dateTime!);
  const twoHours = 2 * 3600_000;
  await fakeGoogle("PATCH", `/events/${pushed!.id}?account=${encodeURIComponent(account)}`, {
    start: { dateTime: new Date(start.getTime() + twoHours).toISOString() },
    end: { dateTime: new Date(end.getTime() + twoHours).toISOString() },
  });
  // And an appointment made in Google (not ours): it comes in as a busy block with no client.
  const dentistStart = new Date(start.getTime() - 2 * 3600_000);
  await fakeGoogle("POST", `/events?account=${encodeURIComponent(account)}`, {
    summary: "Dentist",
    start: { dateTime: dentistStart.toISOString() },
    end: { dateTime: new Date(dentistStart.getTime() + 3600_000).toISOString() },
  });
  await syncNow(page);
  await expect(card.getByText(/Last successful sync/)).toBeVisible();
  await page.goto("/bookings");
  const row = page.getByRole("link", { name: /Strategy session/ }).first();
  await expect(async () => {
    await page.reload();
    await expect(page.getByText("Strategy session").first()).toBeVisible();
    await expect(page.getByText(/12:00/).first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByText("Busy (Google Calendar)")).toBeVisible();
  await row.click();
  await expect(page.getByText("In Google Calendar")).toBeVisible();
  // The booking itself moved (not just any 12:00 on the page): its own time range now starts at 12:00,
  // and the 10:00 start is gone.
  const movedEnd = await page.evaluate(
    (iso) => new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false }),
    new Date(end.getTime() + twoHours).toISOString(),
  );
  await expect(page.getByText(new RegExp(`12:00\\s*[–-]\\s*${movedEnd}`)).first()).toBeVisible();
  await expect(page.getByText(/\b10:00\s*[–-]/)).toHaveCount(0);
  // Maya has no email address: no reminder, and no Resend button that could only fail.
  await expect(page.getByText("No reminder: the client has no email address")).toBeVisible();
  await expect(page.getByRole("button", { name: "Resend reminder" })).toHaveCount(0);
  await screenshot(page, "google-booking-moved");
  await page.goto(`/calendar?view=week&date=${day}`);
  await expect(page.getByText("Dentist").first()).toBeVisible();
  await screenshot(page, "google-calendar-week-busy");
  await page.getByText("Dentist").first().click();
  await expect(page.getByText("Busy — from Google Calendar, no client")).toBeVisible();
  await expect(page.getByRole("button", { name: "Link to a client" })).toBeVisible();
  await screenshot(page, "google-busy-block");

  // Access revoked at Google: the next sync finds out and the app asks to reconnect.
  await fakeGoogle("POST", `/revoke?account=${encodeURIComponent(account)}`);
  await syncNow(page);
  await expect(async () => {
    await page.goto("/clients");
    await expect(page.getByText(/Google Calendar is disconnected/)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Reconnect" }).first()).toBeVisible();
  await screenshot(page, "google-reconnect-banner");
  await page.goto("/settings");
  await expect(card.getByText("Disconnected").first()).toBeVisible();
  await screenshot(page, "google-settings-disconnected");
});
