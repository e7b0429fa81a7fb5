import { expect, test } from "@playwright/test";
import { chooseClient, createBooking, createClient, localDay, localInstant, ZONE } from "./booking-helpers";
import { notifications, screenshot, signUp } from "./helpers";

test.use({ timezoneId: ZONE });
// Each test signs up and seeds bookings over the API; leave room on a busy machine.
test.describe.configure({ timeout: 90_000 });

test("a second booking in a taken slot is refused, with a warning before submitting", async ({ page }) => {
  await signUp(page);
  const maya = await createClient(page, "Maya", "Patel");
  await createClient(page, "Noah", "Berg");
  await createBooking(page, {
    clientId: maya.id,
    title: "Coaching",
    startsAt: await localInstant(page, 1, 10),
    endsAt: await localInstant(page, 1, 11),
    status: "confirmed",
  });
  const tomorrow = await localDay(page, 1);

  await page.goto("/bookings");
  await expect(page.getByRole("heading", { level: 1, name: "Bookings" })).toBeVisible();
  await page.getByRole("button", { name: "New booking" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New booking" });
  await chooseClient(page, "Noah Berg");
  await dialog.getByLabel("Title").fill("Intro call");
  await dialog.getByLabel("Date").fill(tomorrow);
  await dialog.getByLabel("Start").fill("10:30");
  await expect(dialog.getByLabel("End")).toHaveValue("11:30");
  // The live check warns before submitting...
  const warning = dialog.getByRole("alert").filter({ hasText: "Time slot unavailable" });
  await expect(warning).toContainText("“Coaching” with Maya Patel is booked then (10:00–11:00)");
  await screenshot(page, "booking-form-overlap");
  // ...and the server refuses if submitted anyway, next to the time.
  await dialog.getByRole("button", { name: "Book session" }).click();
  await expect(dialog.getByText('Time slot unavailable: "Coaching" with Maya Patel is booked then')).toBeVisible();
  await expect(dialog.getByLabel("Start")).toBeFocused();

  // Back-to-back is fine.
  await dialog.getByLabel("Start").fill("11:00");
  await expect(warning).toBeHidden();
  await dialog.getByRole("button", { name: "Book session" }).click();
  await expect(dialog).toBeHidden();
  await expect(notifications(page).getByText("Booking created")).toBeVisible();
  const rows = page.getByRole("link", { name: /Intro call|Coaching/ });
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole("link", { name: /Intro call/ })).toContainText("11:00–12:00");
});

test("confirm, then complete a booking that has started; only valid next statuses are offered", async ({ page }) => {
  await signUp(page);
  const maya = await createClient(page, "Maya", "Patel");
  const past = await createBooking(page, {
    clientId: maya.id,
    title: "Yesterday's session",
    startsAt: await localInstant(page, -1, 10),
    endsAt: await localInstant(page, -1, 11),
  });
  await page.goto(`/bookings/${past.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Yesterday's session" })).toBeVisible();
  const status = page.getByRole("heading", { name: "Status" }).locator("..");
  await expect(status.getByRole("button")).toHaveText(["Confirm", "Cancel booking"]);
  await screenshot(page, "booking-detail");

  await status.getByRole("button", { name: "Confirm" }).click();
  await expect(notifications(page).getByText("Booking confirmed")).toBeVisible();
  await expect(status.getByRole("button")).toHaveText(["Mark completed", "Cancel booking"]);
  await status.getByRole("button", { name: "Mark completed" }).click();
  await expect(notifications(page).getByText("Booking completed")).toBeVisible();
  await expect(status.getByRole("button")).toHaveCount(0);
  await expect(status).toContainText("Final: it can't change any more.");
  await screenshot(page, "booking-detail-completed");

  // A future booking cannot be completed yet: the server says why.
  const future = await createBooking(page, {
    clientId: maya.id,
    title: "Next week",
    startsAt: await localInstant(page, 7, 10),
    endsAt: await localInstant(page, 7, 11),
    status: "confirmed",
  });
  await page.goto(`/bookings/${future.id}`);
  await page.getByRole("button", { name: "Mark completed" }).click();
  await expect(status.getByRole("alert")).toHaveText("A booking can be completed only once it has started");

  // The client link leads to the client.
  await page.getByRole("link", { name: "Maya Patel" }).click();
  await expect(page).toHaveURL(new RegExp(`/clients/${maya.id}`));
  // Its activity names the session each status change was about.
  await expect(page.getByText(/^Completed a session: Yesterday's session for /)).toBeVisible();
  await expect(page.getByText(/^Confirmed a session: Yesterday's session for /)).toBeVisible();
  await screenshot(page, "client-activity-bookings");
});

test("edit and reschedule a booking from its page, download its .ics, then delete it", async ({ page }) => {
  await signUp(page);
  const maya = await createClient(page, "Maya", "Patel");
  const booking = await createBooking(page, {
    clientId: maya.id,
    title: "Strategy session",
    startsAt: await localInstant(page, 2, 9),
    endsAt: await localInstant(page, 2, 10),
  });
  const inTwoDays = await localDay(page, 2);
  await page.goto(`/bookings/${booking.id}`);
  await page.getByRole("button", { name: "Edit or reschedule" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit booking" });
  await expect(dialog.getByRole("combobox", { name: "Client", exact: true })).toHaveValue("Maya Patel");
  await expect(dialog.getByLabel("Date")).toHaveValue(inTwoDays);
  await expect(dialog.getByLabel("Start")).toHaveValue("09:00");
  await dialog.getByLabel("Title").fill("Strategy session, part 2");
  await dialog.getByLabel("Start").fill("15:30");
  await expect(dialog.getByLabel("End")).toHaveValue("16:30");
  await dialog.getByLabel("Notes").fill("Bring the plan.");
  await dialog.getByRole("button", { name: "Save booking" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: "Strategy session, part 2" })).toBeVisible();
  await expect(page.locator("main")).toContainText("15:30–16:30");
  await expect(page.locator("main")).toContainText("Bring the plan.");

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download .ics" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("strategy-session-part-2.ics");

  await page.getByRole("button", { name: "Delete booking" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete booking" }).click();
  await expect(page).toHaveURL(/\/bookings$/);
  await expect(notifications(page).getByText("Booking deleted")).toBeVisible();
  await expect(page.getByText("Nothing booked yet")).toBeVisible();
});

test("the bookings page lists upcoming bookings by day, filters by status, and shows past ones", async ({ page }) => {
  await signUp(page);
  const maya = await createClient(page, "Maya", "Patel");
  const noah = await createClient(page, "Noah", "Berg");
  const seeds = [
    [maya.id, "Kick-off", 1, 9, "confirmed"],
    [noah.id, "Proposal review", 1, 14, "proposed"],
    [maya.id, "Check-in", 3, 16, "confirmed"],
    [noah.id, "Retrospective", -2, 10, "confirmed"],
  ] as const;
  for (const [clientId, title, day, hour, status] of seeds) {
    await createBooking(page, {
      clientId,
      title,
      startsAt: await localInstant(page, day, hour),
      endsAt: await localInstant(page, day, hour + 1),
      status,
    });
  }
  await page.goto("/bookings");
  await expect(page.getByRole("heading", { name: "Tomorrow" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Kick-off/ })).toContainText("09:00–10:00");
  await expect(page.getByRole("link", { name: /Retrospective/ })).toHaveCount(0);
  await screenshot(page, "bookings");

  await page.getByRole("link", { name: /^Proposed/ }).click();
  await expect(page).toHaveURL(/status=proposed/);
  await expect(page.getByRole("link", { name: /Proposal review/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Kick-off/ })).toHaveCount(0);

  await page.getByRole("link", { name: "Past" }).click();
  await expect(page).toHaveURL(/tab=past/);
  await expect(page.getByText("No past proposed bookings")).toBeVisible();
  await page.getByRole("link", { name: /^All/ }).click();
  await expect(page.getByRole("link", { name: /Retrospective/ })).toBeVisible();
  await screenshot(page, "bookings-past");
});

test("booking form: a booking without a client says so and puts the focus on the client field", async ({ page }) => {
  await signUp(page);
  await page.goto("/bookings");
  await page.getByRole("button", { name: "New booking" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New booking" });
  await dialog.getByRole("button", { name: "Book session" }).click();
  await expect(dialog.getByText("Choose a client")).toBeVisible();
  await expect(dialog.getByRole("combobox", { name: "Client", exact: true })).toBeFocused();
});

test("booking form: a time the clocks skip is refused, a repeated one is explained, the client's zone shown", async ({
  page,
}) => {
  await signUp(page);
  await createClient(page, "Maya", "Patel");
  await page.goto("/bookings");
  await page.getByRole("button", { name: "New booking" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New booking" });
  await chooseClient(page, "Maya Patel");
  // Berlin springs forward from 02:00 to 03:00 on 28 March 2027.
  await dialog.getByLabel("Date").fill("2027-03-28");
  await dialog.getByLabel("Start").fill("02:30");
  await expect(dialog.getByText(`02:30 does not exist on that day in ${ZONE}`)).toBeVisible();
  await screenshot(page, "booking-form-nonexistent-time");
  await dialog.getByRole("button", { name: "Book session" }).click();
  await expect(dialog).toBeVisible();

  // Berlin falls back on 31 October 2027: 02:30 happens twice.
  await dialog.getByLabel("Date").fill("2027-10-31");
  await expect(dialog.getByText(/02:30 happens twice that day in Europe\/Berlin; taking the first one/)).toBeVisible();

  await dialog.getByLabel("Date").fill("2027-06-10");
  await dialog.getByLabel("Start").fill("10:00");
  const zone = dialog.getByRole("combobox", { name: "Client's time zone" });
  // Escape closes the open list, not the form.
  await zone.fill("new");
  await expect(page.getByRole("listbox")).toBeVisible();
  await zone.press("Escape");
  await expect(page.getByRole("listbox")).toBeHidden();
  await expect(dialog).toBeVisible();
  await zone.fill("new york");
  await page.getByRole("option", { name: /America\/New York/ }).click();
  await expect(dialog.getByText("10:00 your time · 04:00 New York")).toBeVisible();
  await screenshot(page, "booking-form-client-zone");
  await dialog.getByRole("button", { name: "Book session" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("link", { name: /Session/ }).click();
  await expect(page.getByText(/04:00–05:00\s*in New York/)).toBeVisible();
});

test("after switching time zone in Settings, times move and a notice says so", async ({ page }) => {
  await signUp(page);
  const maya = await createClient(page, "Maya", "Patel");
  const booking = await createBooking(page, {
    clientId: maya.id,
    title: "Coaching",
    startsAt: await localInstant(page, 1, 10),
    endsAt: await localInstant(page, 1, 11),
    status: "confirmed",
  });
  const tomorrow = await localDay(page, 1);
  await page.goto(`/calendar?view=week&date=${tomorrow}`);
  await expect(page.locator(".fc-event", { hasText: "Coaching" })).toContainText("10:00");
  await expect(page.getByText(/Times are now shown in/)).toHaveCount(0);

  await page.goto("/settings");
  const zone = page.getByRole("combobox", { name: "Time zone" });
  // The list shows current names (ICU still says "Asia/Katmandu"): people type what they know.
  await zone.fill("kathmandu");
  await page.getByRole("option", { name: /Asia\/Kathmandu/ }).click();
  const kathmandu = await zone.inputValue();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(notifications(page).getByText("Settings saved")).toBeVisible();

  // Berlin is UTC+1 in winter and UTC+2 in summer; Kathmandu is UTC+5:45 all year.
  const expected = await page.evaluate(
    (iso) => {
      const f = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Kathmandu", hour: "2-digit", minute: "2-digit" });
      return f.format(new Date(iso));
    },
    await localInstant(page, 1, 10),
  );
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calendar" }).click();
  const notice = page.getByRole("status").filter({ hasText: `Times are now shown in ${kathmandu}` });
  await expect(notice).toBeVisible();
  await page.goto(`/calendar?view=week&date=${tomorrow}`);
  await expect(page.locator(".fc-event", { hasText: "Coaching" })).toContainText(expected);
  await screenshot(page, "calendar-after-zone-change");

  await page.goto(`/bookings/${booking.id}`);
  await expect(page.getByText(`your time, ${kathmandu}`)).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Coaching" })).toBeVisible();
  await expect(page.locator("main")).toContainText(expected);

  await page.goto("/bookings");
  await expect(notice).toBeVisible();
  await notice.getByRole("button", { name: "Dismiss time zone notice" }).click();
  await expect(notice).toBeHidden();
  await page.reload();
  await expect(page.getByRole("link", { name: /Coaching/ })).toContainText(expected);
  await expect(page.getByText(/Times are now shown in/)).toHaveCount(0);
});

test("the private calendar feed: create, copy, regenerate and turn off", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUp(page);
  await page.goto("/bookings");
  const card = page.getByRole("region", { name: "Calendar feed" });
  await expect(card).toContainText("The feed is off.");
  await card.getByRole("button", { name: "Create feed URL" }).click();
  const url = card.getByLabel("Your feed URL");
  await expect(url).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/feeds\/.+\.ics$/);
  const first = await url.inputValue();
  await card.getByRole("button", { name: "Copy feed URL" }).click();
  await expect(notifications(page).getByText("Feed URL copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
  await screenshot(page, "bookings-feed");

  // The feed serves an iCalendar file.
  const feed = await page.request.get(first);
  expect(feed.status()).toBe(200);
  expect(await feed.text()).toContain("BEGIN:VCALENDAR");

  await card.getByRole("button", { name: "Regenerate URL" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Regenerate URL" }).click();
  await expect(url).not.toHaveValue(first);
  expect((await page.request.get(first)).status()).toBe(404);

  await card.getByRole("button", { name: "Turn off" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Turn off feed" }).click();
  await expect(card).toContainText("The feed is off.");
});
