import { expect, type Page } from "@playwright/test";

/** The zone the browser (and so the signed-up user) is in for the booking and calendar specs. */
export const ZONE = "Europe/Berlin";

/** Calls a tRPC procedure with the signed-in page's cookies (fast set-up without the UI). */
export async function api<T = unknown>(page: Page, path: string, input?: unknown): Promise<T> {
  const origin = new URL(page.url()).origin;
  const response = await page.request.post(`/trpc/${path}`, {
    headers: { origin, "content-type": "application/json" },
    data: input === undefined ? {} : { json: input },
  });
  const body = (await response.json()) as { result?: { data?: { json?: T } }; error?: unknown };
  if (!response.ok()) throw new Error(`${path} answered ${response.status()}: ${JSON.stringify(body)}`);
  return body.result?.data?.json as T;
}

export async function createClient(page: Page, firstName: string, lastName?: string): Promise<{ id: string }> {
  return api(page, "clients.create", { firstName, ...(lastName ? { lastName } : {}) });
}

export interface CreatedBooking {
  id: string;
  version: number;
  title: string;
}

export async function createBooking(
  page: Page,
  input: { clientId: string; title: string; startsAt: string; endsAt: string; status?: "proposed" | "confirmed" },
): Promise<CreatedBooking> {
  return api(page, "bookings.create", input);
}

/**
 * An instant as ISO text: `dayOffset` days from today at hh:mm on the browser's clock (the browser runs
 * in the user's zone, so this is the user's wall-clock time).
 */
export async function localInstant(page: Page, dayOffset: number, hh: number, mm = 0): Promise<string> {
  return page.evaluate(
    ([offset, h, m]) => {
      const d = new Date();
      d.setDate(d.getDate() + offset);
      d.setHours(h, m, 0, 0);
      return d.toISOString();
    },
    [dayOffset, hh, mm] as const,
  );
}

/** "yyyy-MM-dd" of today plus `dayOffset` days in the browser's zone. */
export async function localDay(page: Page, dayOffset: number): Promise<string> {
  return page.evaluate((offset) => {
    const d = new Date();
    d.setDate(d.getDate() + offset);
    return d.toLocaleDateString("sv-SE");
  }, dayOffset);
}

/** Picks a client in the booking form's search box. */
export async function chooseClient(page: Page, name: string): Promise<void> {
  const picker = page.getByRole("combobox", { name: "Client", exact: true });
  await picker.click();
  await picker.fill(name.split(" ")[0] ?? name);
  await page.getByRole("option", { name: new RegExp(name) }).click();
  await expect(picker).toHaveValue(name);
}

/** Clicks the empty time-grid slot at hh:mm on a day (week or day view). */
export async function clickSlot(page: Page, day: string, time: string): Promise<void> {
  const column = page.locator(`.fc-timegrid-col[data-date="${day}"]`);
  const lane = page.locator(`.fc-timegrid-slot-lane[data-time="${time}:00"]`);
  await lane.scrollIntoViewIfNeeded();
  const col = await column.boundingBox();
  const row = await lane.boundingBox();
  if (!col || !row) throw new Error(`No slot for ${day} ${time}`);
  await page.mouse.click(col.x + col.width / 2, row.y + row.height / 2);
}
