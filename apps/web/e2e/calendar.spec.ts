import { expect, test } from "@playwright/test";
import { chooseClient, clickSlot, createBooking, createClient, localDay, localInstant, ZONE } from "./booking-helpers";
import { notifications, screenshot, signUp } from "./helpers";

test.use({ timezoneId: ZONE });
// Each test signs up and seeds bookings over the API; leave room on a busy machine.
test.describe.configure({ timeout: 90_000 });

test("book a session by clicking a free slot in the week view", async ({ page }) => {
  await signUp(page);
  await createClient(page, "Maya", "Patel");
  const tomorrow = await localDay(page, 1);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Calendar" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Calendar" })).toBeVisible();
  await page.goto(`/calendar?view=week&date=${tomorrow}`);
  await expect(page.locator(".fc-timegrid")).toBeVisible();
  await expect(page.getByRole("button", { name: "Week" })).toHaveAttribute("aria-pressed", "true");
  await screenshot(page, "calendar-week-empty");

  await clickSlot(page, tomorrow, "10:00");
  const dialog = page.getByRole("dialog", { name: "New booking" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Date")).toHaveValue(tomorrow);
  await expect(dialog.getByLabel("Start")).toHaveValue("10:00");
  await expect(dialog.getByLabel("End")).toHaveValue("11:00");
  await chooseClient(page, "Maya Patel");
  await dialog.getByLabel("Title").fill("Coaching");
  await dialog.getByLabel("Location or meeting link").fill("https://meet.example/maya");
  await screenshot(page, "booking-form");
  await dialog.getByRole("button", { name: "Book session" }).click();
  await expect(dialog).toBeHidden();
  await expect(notifications(page).getByText("Booking created")).toBeVisible();

  const event = page.locator(".fc-event", { hasText: "Coaching" });
  await expect(event).toBeVisible();
  await expect(event).toContainText("10:00");
  await expect(event).toHaveClass(/crm-ev--proposed/);

  // Hovering shows the details; so does keyboard focus.
  await event.hover();
  const tooltip = page.getByRole("tooltip");
  await expect(tooltip).toContainText("Maya Patel");
  await expect(tooltip).toContainText("10:00–11:00");
  await expect(tooltip).toContainText("Proposed");
  await screenshot(page, "calendar-week-tooltip");
  await page.mouse.move(5, 5);
  await expect(tooltip).toBeHidden();
  await event.focus();
  await expect(page.getByRole("tooltip")).toContainText("meet.example/maya");

  // Enter opens the booking.
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Coaching" })).toBeVisible();
});

test("month, week, day and agenda views keep the view and date in the URL", async ({ page }) => {
  await signUp(page);
  const client = await createClient(page, "Noah", "Berg");
  const today = await localDay(page, 0);
  for (const [offset, hh, title, status] of [
    [0, 9, "Intro call", "confirmed"],
    [0, 13, "Strategy", "proposed"],
    [1, 11, "Follow-up", "confirmed"],
  ] as const) {
    await createBooking(page, {
      clientId: client.id,
      title,
      startsAt: await localInstant(page, offset, hh),
      endsAt: await localInstant(page, offset, hh + 1),
      status,
    });
  }

  await page.goto(`/calendar?view=month&date=${today}`);
  await expect(page.locator(".fc-daygrid")).toBeVisible();
  await expect(page.locator(".fc-event", { hasText: "Intro call" })).toBeVisible();
  await expect(page.locator(".fc-day-today")).toHaveCount(1);
  await screenshot(page, "calendar-month");

  await page.getByRole("button", { name: "Week" }).click();
  await expect(page).toHaveURL(/view=week/);
  await expect(page.locator(".fc-timegrid-now-indicator-line")).toBeVisible();
  await screenshot(page, "calendar-week");

  await page.getByRole("button", { name: "Day", exact: true }).click();
  await expect(page).toHaveURL(/view=day/);
  await expect(page.locator(".fc-event", { hasText: "Strategy" })).toBeVisible();
  await screenshot(page, "calendar-day");

  await page.getByRole("button", { name: "Next" }).click();
  const tomorrow = await localDay(page, 1);
  await expect(page).toHaveURL(new RegExp(`date=${tomorrow}`));
  await expect(page.locator(".fc-event", { hasText: "Follow-up" })).toBeVisible();

  await page.getByRole("button", { name: "Agenda" }).click();
  await expect(page).toHaveURL(/view=agenda/);
  await expect(page.locator(".fc-list-event", { hasText: "Follow-up" })).toContainText("Confirmed");
  await screenshot(page, "calendar-agenda");

  // The URL alone restores the view.
  await page.reload();
  await expect(page.getByRole("button", { name: "Agenda" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator(".fc-list-event", { hasText: "Follow-up" })).toBeVisible();
});

test("a crowded day stays readable: +N more in the month, side by side in the week", async ({ page }) => {
  await signUp(page);
  const clients = [
    await createClient(page, "Maya", "Patel"),
    await createClient(page, "Noah", "Berg"),
    await createClient(page, "Ines", "Duarte"),
  ];
  const day = await localDay(page, 1);
  // 25 back-to-back 20-minute sessions from 08:00.
  for (let i = 0; i < 25; i++) {
    const minutes = 8 * 60 + i * 20;
    await createBooking(page, {
      clientId: clients[i % 3]!.id,
      title: `Session ${i + 1}`,
      startsAt: await localInstant(page, 1, Math.floor(minutes / 60), minutes % 60),
      endsAt: await localInstant(page, 1, Math.floor((minutes + 20) / 60), (minutes + 20) % 60),
      status: i % 4 === 0 ? "proposed" : "confirmed",
    });
  }

  await page.goto(`/calendar?view=month&date=${day}`);
  const cell = page.locator(`.fc-daygrid-day[data-date="${day}"]`);
  const more = cell.locator(".fc-daygrid-more-link");
  await expect(more).toHaveText(/^\+\d+ more$/);
  await screenshot(page, "calendar-crowded-month");
  await more.click();
  const popover = page.locator(".fc-more-popover");
  await expect(popover).toBeVisible();
  await expect(popover.locator(".fc-event")).toHaveCount(25);
  await screenshot(page, "calendar-crowded-month-popover");
  await page.keyboard.press("Escape");

  await page.goto(`/calendar?view=week&date=${day}`);
  const events = page.locator(`.fc-timegrid-col[data-date="${day}"] .fc-timegrid-event`);
  await expect(events).toHaveCount(25);
  await expect(events.first()).toBeVisible();
  await screenshot(page, "calendar-crowded-week");
  // Back-to-back sessions never cover one another and each is tall enough for a line of text.
  const boxes = [];
  for (let i = 0; i < 6; i++) boxes.push(await events.nth(i).boundingBox());
  for (let i = 1; i < boxes.length; i++) {
    expect(boxes[i]!.y).toBeGreaterThanOrEqual(boxes[i - 1]!.y + boxes[i - 1]!.height - 2);
    expect(boxes[i]!.height).toBeGreaterThanOrEqual(18);
  }
});

test("overlapping bookings sit side by side in the day view", async ({ page }) => {
  await signUp(page);
  const maya = await createClient(page, "Maya", "Patel");
  const day = await localDay(page, 2);
  const first = await createBooking(page, {
    clientId: maya.id,
    title: "Workshop",
    startsAt: await localInstant(page, 2, 10),
    endsAt: await localInstant(page, 2, 12),
  });
  // A cancelled booking frees its slot, so another can take it: both are shown, side by side.
  await page.goto(`/bookings/${first.id}`);
  await page.getByRole("button", { name: "Cancel booking" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel booking" }).click();
  await expect(page.getByText("Final: it can't change any more.")).toBeVisible();
  await createBooking(page, {
    clientId: maya.id,
    title: "Rebooked workshop",
    startsAt: await localInstant(page, 2, 10, 30),
    endsAt: await localInstant(page, 2, 12),
    status: "confirmed",
  });
  await page.goto(`/calendar?view=day&date=${day}`);
  const a = page.locator(".fc-timegrid-event.crm-ev--cancelled");
  const b = page.locator(".fc-timegrid-event", { hasText: "Rebooked workshop" });
  await expect(b).toBeVisible();
  const boxA = (await a.boundingBox())!;
  const boxB = (await b.boundingBox())!;
  expect(boxA.x + boxA.width <= boxB.x + 1 || boxB.x + boxB.width <= boxA.x + 1).toBe(true);
  await expect(page.locator(".crm-ev--cancelled .crm-ev-title")).toHaveCSS("text-decoration-line", "line-through");
  await screenshot(page, "calendar-day-side-by-side");
});

test("drag a booking to reschedule it; a refused move goes back with the server's reason", async ({ page }) => {
  await signUp(page);
  const maya = await createClient(page, "Maya", "Patel");
  const day = await localDay(page, 1);
  await createBooking(page, {
    clientId: maya.id,
    title: "Movable",
    startsAt: await localInstant(page, 1, 9),
    endsAt: await localInstant(page, 1, 10),
  });
  await createBooking(page, {
    clientId: maya.id,
    title: "Fixed",
    startsAt: await localInstant(page, 1, 13),
    endsAt: await localInstant(page, 1, 14),
  });
  await page.goto(`/calendar?view=day&date=${day}`);
  const movable = page.locator(".fc-timegrid-event", { hasText: "Movable" });
  await expect(movable).toBeVisible();

  async function dragTo(time: string) {
    const from = (await movable.boundingBox())!;
    const lane = (await page.locator(`.fc-timegrid-slot-lane[data-time="${time}:00"]`).boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + 8);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, from.y + 20, { steps: 4 });
    await page.mouse.move(from.x + from.width / 2, lane.y + 8, { steps: 12 });
    await page.mouse.up();
  }

  await dragTo("13:00");
  await expect(notifications(page).getByText("Could not move the booking")).toBeVisible();
  await expect(
    notifications(page).getByText(/Time slot unavailable: "Fixed" with Maya Patel is booked then/),
  ).toBeVisible();
  await expect(movable).toContainText("09:00");

  await dragTo("11:00");
  await expect(notifications(page).getByText("Booking moved")).toBeVisible();
  await expect(movable).toContainText("11:00");
  await page.reload();
  await expect(page.locator(".fc-timegrid-event", { hasText: "Movable" })).toContainText("11:00");
});

test.describe("at phone width", () => {
  test.use({ viewport: { width: 375, height: 812 } });

  test("the calendar opens on the agenda and every view fits", async ({ page }) => {
    await signUp(page);
    const maya = await createClient(page, "Maya", "Patel");
    await createBooking(page, {
      clientId: maya.id,
      title: "Coaching",
      startsAt: await localInstant(page, 0, 15),
      endsAt: await localInstant(page, 0, 16),
      status: "confirmed",
    });
    await page.goto("/calendar");
    await expect(page.getByRole("button", { name: "Agenda" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.locator(".fc-list-event", { hasText: "Coaching" })).toBeVisible();
    await screenshot(page, "calendar-phone");
    await page.getByRole("button", { name: "Day", exact: true }).click();
    await expect(page.locator(".fc-timegrid-event", { hasText: "Coaching" })).toBeVisible();
    await screenshot(page, "calendar-phone-day");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
