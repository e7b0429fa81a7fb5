import { expect, type Locator, type Page } from "@playwright/test";

/** Calls a tRPC mutation as the signed-in user of this page (same cookie, same origin). */
export async function trpcMutation<T = unknown>(page: Page, path: string, input: unknown): Promise<T> {
  const origin = new URL(page.url()).origin;
  const response = await page.request.post(`/trpc/${path}`, {
    headers: { origin, "content-type": "application/json" },
    data: { json: input },
  });
  const body = await response.json();
  if (!response.ok()) throw new Error(`${path} failed (${response.status()}): ${JSON.stringify(body)}`);
  return body.result.data.json as T;
}

export async function trpcQuery<T = unknown>(page: Page, path: string, input?: unknown): Promise<T> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await page.request.get(`/trpc/${path}${query}`);
  const body = await response.json();
  if (!response.ok()) throw new Error(`${path} failed (${response.status()}): ${JSON.stringify(body)}`);
  return body.result.data.json as T;
}

export interface CreatedClient {
  id: string;
  name: string;
  version: number;
  stageId: string | null;
  email: string | null;
}

export function createClient(page: Page, input: Record<string, unknown>): Promise<CreatedClient> {
  return trpcMutation<CreatedClient>(page, "clients.create", input);
}

/** Creates many clients quickly (a few at a time). */
export async function createClients(page: Page, inputs: Record<string, unknown>[]): Promise<CreatedClient[]> {
  const out: CreatedClient[] = [];
  for (let i = 0; i < inputs.length; i += 5) {
    out.push(...(await Promise.all(inputs.slice(i, i + 5).map((input) => createClient(page, input)))));
  }
  return out;
}

/** The client rows of the clients table (the header row excluded). */
export function clientRows(page: Page): Locator {
  return page.getByRole("table").locator("tbody tr");
}

export function stageColumn(page: Page, name: string): Locator {
  return page.getByRole("region", { name, exact: true });
}

export function boardCard(page: Page, name: string): Locator {
  return page.locator(`[data-client-card="${name}"]`);
}

/**
 * Drags with real pointer moves, as dnd-kit needs: press, move past the activation distance, travel in
 * steps to the target, release.
 */
export async function drag(page: Page, source: Locator, target: Locator, offsetY = 48): Promise<void> {
  await source.scrollIntoViewIfNeeded();
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error("drag: source or target is not visible");
  const start = { x: from.x + from.width / 2, y: from.y + from.height / 2 };
  const end = { x: to.x + to.width / 2, y: to.y + Math.min(offsetY, to.height - 8) };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 12, start.y + 4, { steps: 4 });
  await page.mouse.move(end.x, end.y, { steps: 20 });
  await page.mouse.move(end.x, end.y + 2, { steps: 3 });
  await page.mouse.up();
}

export async function expectToast(page: Page, text: string | RegExp): Promise<void> {
  await expect(page.getByRole("region", { name: "Notifications" }).getByText(text).first()).toBeVisible();
}
