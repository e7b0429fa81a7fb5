import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { unzip } from "../../../packages/core/src/privacy/export/unzip.test-util";
import { createClient } from "./crm-helpers";
import { screenshot, signUp } from "./helpers";

const shots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");

test("export all data from Settings: progress, then a zip holding the account's clients", async ({ page }) => {
  await signUp(page);
  await createClient(page, { firstName: "Grace", lastName: "Hopper", email: "grace@example.com" });
  await page.goto("/settings");
  const card = page
    .getByRole("heading", { name: "Export your data" })
    .locator("xpath=ancestor::div[contains(@class,'rounded-xl')][1]");
  await expect(card.getByText("No export yet.")).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, "privacy-export-settings");

  await card.getByRole("button", { name: "Export all your data" }).click();
  const download = card.getByRole("link", { name: /Download \(zip, \d+ KB\)/ });
  await expect(download).toBeVisible({ timeout: 30_000 });
  await expect(card.getByText(/The link works until/)).toBeVisible();
  await expect(card.getByRole("button", { name: "Export again" })).toBeEnabled();
  await screenshot(page, "privacy-export-ready");
  await page.setViewportSize({ width: 390, height: 844 });
  await card.screenshot({ path: path.join(shots, "privacy-export-card-phone.png") });
  await page.setViewportSize({ width: 1280, height: 800 });

  const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
  expect(file.suggestedFilename()).toMatch(/^crm-export-\d{4}-\d{2}-\d{2}\.zip$/);
  const files = unzip(await readFile((await file.path())!));
  expect([...files.keys()]).toContain("clients.csv");
  const clients = JSON.parse(files.get("clients.json")!.toString("utf8")) as { firstName: string; email: string }[];
  expect(clients.map((c) => [c.firstName, c.email])).toEqual([["Grace", "grace@example.com"]]);

  // The state survives a reload: the card finds the latest export.
  await page.reload();
  await expect(page.getByRole("link", { name: /Download \(zip, \d+ KB\)/ })).toBeVisible();
});

test("a client's page offers their data as JSON, and the Clients page the filtered list as CSV", async ({ page }) => {
  await signUp(page);
  const grace = await createClient(page, { firstName: "Grace", lastName: "Hopper", email: "grace@example.com" });
  await createClient(page, { firstName: "=Formula", lastName: "Person", status: "inactive" });

  await page.goto(`/clients/${grace.id}`);
  const [json] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export data (JSON)" }).click(),
  ]);
  expect(json.suggestedFilename()).toMatch(/^client-grace-hopper-\d{4}-\d{2}-\d{2}\.json$/);
  const data = JSON.parse(await readFile((await json.path())!, "utf8"));
  expect(data.client).toMatchObject({ id: grace.id, email: "grace@example.com" });
  expect(data.activity.length).toBeGreaterThan(0);
  await screenshot(page, "privacy-export-client");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "privacy-export-client-phone");
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.goto("/clients?status=inactive");
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(1);
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  const text = await readFile((await csv.path())!, "utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  const lines = text.slice(1).trim().split("\r\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain("'=Formula");
  expect(text).not.toContain("Grace");
  await screenshot(page, "privacy-export-clients-csv");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "privacy-export-clients-csv-phone");
});
