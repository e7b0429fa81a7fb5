import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page, test } from "@playwright/test";
import { mutate, query } from "./fixtures/api";
import { screenshot, signUp } from "./helpers";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const OUTLOOK = path.join(fixtures, "outlook-contacts.csv");

interface Client {
  id: string;
  name: string;
  email: string | null;
  company: string | null;
}

function createClient(page: Page, input: Record<string, unknown>): Promise<Client> {
  return mutate<Client>(page, "clients.create", input);
}

async function chooseFile(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }) {
  await page.getByLabel("CSV file").setInputFiles(file);
}

function csv(lines: string[]): Buffer {
  return Buffer.from(`${lines.join("\r\n")}\r\n`, "utf-8");
}

test("import an Outlook export: mapping, preview, duplicates, progress, summary and failed rows", async ({ page }) => {
  test.setTimeout(150_000);
  await signUp(page);
  const maya = await createClient(page, {
    firstName: "Maya",
    lastName: "Existing",
    email: "maya.existing@example.com",
    company: "Kept Ltd",
  });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Import" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Import" })).toBeVisible();
  await expect(page.getByText("Exports of Google Contacts, Outlook and HubSpot work as they are")).toBeVisible();
  await chooseFile(page, OUTLOOK);

  // The import's id goes into the URL, so a reload (or coming back) shows the same import.
  await expect(page).toHaveURL(/\/imports\?id=[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Match the columns" })).toBeVisible();
  await expect(page.getByText("outlook-contacts.csv")).toBeVisible();
  await expect(page.getByText(/120 rows · 92 columns · comma-separated · UTF-8/)).toBeVisible();

  // Outlook's columns are recognised as they are.
  await expect(page.getByLabel("Import “First Name” as")).toHaveValue("firstName");
  await expect(page.getByLabel("Import “Last Name” as")).toHaveValue("lastName");
  await expect(page.getByLabel("Import “E-mail Address” as")).toHaveValue("email");
  await expect(page.getByLabel("Import “Mobile Phone” as")).toHaveValue("phone");
  await expect(page.getByLabel("Import “E-mail Display Name” as")).toHaveValue("");
  // Columns empty in the first rows are folded away.
  await expect(page.getByLabel("Import “Home Street” as")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Show \d+ more columns with no data/ })).toBeVisible();

  const counts = page.getByRole("list", { name: "Counts for the whole file" });
  await expect(counts).toContainText("118 new clients");
  await expect(counts).toContainText("1 existing client");
  await expect(counts).toContainText("1 with problems");
  const broken = page.locator('tbody[data-line="12"]');
  await expect(broken).toContainText("broken.address-at-example.com");
  await expect(broken).toContainText("is not a valid email address");
  await expect(broken).toHaveAttribute("data-invalid", "true");

  // The row matching an existing client links to that client; the default is to skip it.
  const duplicates = page.getByRole("list", { name: "Rows matching existing clients" });
  await expect(duplicates.getByRole("link", { name: "Maya Existing" })).toHaveAttribute("href", `/clients/${maya.id}`);
  await expect(page.getByRole("radio", { name: /Skip them/ })).toBeChecked();
  await expect(duplicates).toContainText("Will be skipped");

  // Changing the mapping updates the preview: without a name or an email nothing can be imported.
  await page.getByLabel("Import “E-mail Address” as").selectOption("");
  await page.getByLabel("Import “First Name” as").selectOption("");
  await page.getByLabel("Import “Last Name” as").selectOption("");
  await expect(page.getByText("Choose the column with the email or a name")).toBeVisible();
  await expect(page.getByRole("button", { name: "Start import" })).toBeDisabled();
  await page.getByLabel("Import “First Name” as").selectOption("firstName");
  await page.getByLabel("Import “Last Name” as").selectOption("lastName");
  await page.getByLabel("Import “E-mail Address” as").selectOption("email");
  await expect(page.getByText("Choose the column with the email or a name")).toHaveCount(0);
  await expect(counts).toContainText("118 new clients");
  await screenshot(page, "import-mapping-preview");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "import-mapping-phone");
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole("button", { name: "Start import" }).click();
  const progress = page.getByRole("progressbar", { name: "Import progress" });
  const finished = page.getByRole("heading", { name: "Import finished" });
  await expect(progress.or(finished)).toBeVisible();
  // While it runs, the progress offers Cancel; a 120-row import may finish between two checks, so
  // each check accepts the finished state too (the cancel flow has its own test below).
  if (await progress.isVisible()) {
    await expect(page.getByRole("button", { name: "Cancel import" }).or(finished)).toBeVisible();
    await expect(page.getByText("Cancelling undoes everything").or(finished)).toBeVisible();
  }

  await expect(finished).toBeVisible({ timeout: 30_000 });
  const summary = page.getByRole("definition");
  await expect(page.locator('[data-stat="Created"] dd')).toHaveText("118");
  await expect(page.locator('[data-stat="Updated"] dd')).toHaveText("0");
  await expect(page.locator('[data-stat="Skipped"] dd')).toHaveText("1");
  await expect(page.locator('[data-stat="Failed"] dd')).toHaveText("1");
  expect(await summary.count()).toBe(4);
  await expect(page.locator('tr[data-line="12"]')).toContainText("is not a valid email address");
  await screenshot(page, "import-summary");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download these rows" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("outlook-contacts-failed-rows.csv");
  const content = (await readFile((await download.path())!, "utf-8")).replace(/^\uFEFF/, "");
  const lines = content.trim().split(/\r\n/);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^Title,First Name,.*,Problem,Line$/);
  expect(lines[1]).toContain("broken.address-at-example.com");
  expect(lines[1]).toContain("is not a valid email address");
  expect(lines[1]).toMatch(/,12$/);

  // The clients are in the list; the existing client was skipped, so it kept its company.
  await page.getByRole("link", { name: "View clients" }).click();
  await expect(page).toHaveURL(/\/clients$/);
  await page.goto("/clients?q=Amelia");
  await expect(page.getByRole("table").getByText("Amelia Andersen")).toBeVisible();
  await page.goto("/clients?q=Fischer");
  await expect(page.getByRole("table").getByText("Paul Fischer")).toBeVisible();
  const kept = await query<Client>(page, "clients.get", { id: maya.id });
  expect(kept.company).toBe("Kept Ltd");
  type ClientPage = { items: unknown[]; nextCursor: string | null };
  const first = await query<ClientPage>(page, "clients.list", { limit: 100 });
  const second = await query<ClientPage>(page, "clients.list", { limit: 100, cursor: first.nextCursor });
  expect(first.items.length + second.items.length).toBe(119);

  // Coming back later: Recent imports lists it, and opening it shows the summary again.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Import" }).click();
  const recent = page.getByRole("list", { name: "Recent imports" });
  await expect(recent).toContainText("outlook-contacts.csv");
  await expect(recent).toContainText("118 created · 1 skipped · 1 failed");
  await screenshot(page, "import-recent");
  await recent.getByRole("link", { name: /outlook-contacts\.csv/ }).click();
  await expect(page).toHaveURL(/\/imports\?id=/);
  await expect(finished).toBeVisible();
  await expect(page.locator('[data-stat="Created"] dd')).toHaveText("118");
});

test("duplicates: decide row by row", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);
  const maya = await createClient(page, { firstName: "Maya", lastName: "Existing", email: "maya@example.com" });
  const leo = await createClient(page, { firstName: "Leo", lastName: "Existing", email: "leo@example.com" });
  await page.goto("/imports");
  await chooseFile(page, {
    name: "contacts.csv",
    mimeType: "text/csv",
    buffer: csv([
      "Name,Email,Company",
      "Maya Existing,MAYA@example.com,New Co",
      "Leo Existing,leo@example.com,Other Co",
      "Nora New,nora@example.com,",
    ]),
  });
  await expect(page.getByLabel("Import “Name” as")).toHaveValue("fullName");
  await expect(page.getByText("2 rows have the email of a client you already have.")).toBeVisible();

  await page.getByText("Let me choose").click();
  await expect(page.getByRole("button", { name: "Start import" })).toBeDisabled();
  await expect(page.getByText("Choose Skip or Update for 2 more rows.")).toBeVisible();
  await page
    .getByRole("radiogroup", { name: /Line 2/ })
    .getByText("Update")
    .click();
  await expect(page.getByText("Choose Skip or Update for 1 more row.")).toBeVisible();
  await page
    .getByRole("radiogroup", { name: /Line 3/ })
    .getByText("Skip")
    .click();
  await expect(page.getByText("2 of 2 decided")).toBeVisible();
  await screenshot(page, "import-duplicates-ask");
  await page.getByRole("button", { name: "Start import" }).click();

  await expect(page.getByRole("heading", { name: "Import finished" })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-stat="Created"] dd')).toHaveText("1");
  await expect(page.locator('[data-stat="Updated"] dd')).toHaveText("1");
  await expect(page.locator('[data-stat="Skipped"] dd')).toHaveText("1");
  await expect(page.locator('[data-stat="Failed"] dd')).toHaveText("0");
  await expect(page.getByRole("button", { name: "Download these rows" })).toHaveCount(0);
  expect((await query<Client>(page, "clients.get", { id: maya.id })).company).toBe("New Co");
  expect((await query<Client>(page, "clients.get", { id: leo.id })).company).toBeNull();
});

test("duplicates beyond the 500 listed take one decision together", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
  const file = (company: string) => ({
    name: "many.csv",
    mimeType: "text/csv",
    buffer: csv([
      "Name,Email,Company",
      ...Array.from({ length: 505 }, (_, i) => `P ${i},p${i}@example.com,${company}`),
    ]),
  });
  // The first import makes the clients the second one matches.
  await page.goto("/imports");
  await chooseFile(page, file("Old Co"));
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page.getByRole("heading", { name: "Import finished" })).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-stat="Created"] dd')).toHaveText("505");

  await page.goto("/imports");
  await chooseFile(page, file("New Co"));
  await page.getByText("Let me choose").click();
  await expect(page.getByText("Choose Skip or Update for 505 more rows.")).toBeVisible();
  await page.getByRole("button", { name: "Skip all" }).click();
  await expect(page.getByText("505 of 505 decided")).toBeVisible();
  const rest = page.getByRole("radiogroup", { name: "The other 5 matching rows" });
  await expect(page.getByText("And 5 more, not listed one by one")).toBeVisible();
  await rest.getByText("Update").click();
  await rest.scrollIntoViewIfNeeded();
  await screenshot(page, "import-duplicates-rest");
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page.getByRole("heading", { name: "Import finished" })).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-stat="Updated"] dd')).toHaveText("5");
  await expect(page.locator('[data-stat="Skipped"] dd')).toHaveText("500");
  await expect(page.locator('[data-stat="Created"] dd')).toHaveText("0");
});

test("cancelling a running import undoes everything", async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page);
  await page.goto("/imports");
  // Large enough to still be running after the steps below: the import does ~10k rows/s here, so a
  // 30k-row file could finish before Cancel was clicked (the dialog then left with the running view).
  const rows = Array.from({ length: 120_000 }, (_, i) => `Person,Number ${i + 1},person${i + 1}@example.com`);
  await chooseFile(page, {
    name: "big-list.csv",
    mimeType: "text/csv",
    buffer: csv(["First name,Last name,Email", ...rows]),
  });
  await expect(page.getByRole("list", { name: "Counts for the whole file" })).toContainText("120,000 new clients");
  await page.getByRole("button", { name: "Start import" }).click();

  await expect(page.getByText(/Importing [\d,]+ of 120,000…/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("Cancelling undoes everything")).toBeVisible();
  await screenshot(page, "import-progress");

  // Leaving the page does not stop it: the list shows it running, and it can be opened again.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clients" }).click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Import" }).click();
  const recent = page.getByRole("list", { name: "Recent imports" });
  await expect(recent.getByText(/of 120,000 rows/)).toBeVisible();
  await recent.getByRole("link", { name: /big-list\.csv/ }).click();

  await page.getByRole("button", { name: "Cancel import" }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel this import?" });
  await expect(dialog).toContainText("no client from the file is added or changed");
  await dialog.getByRole("button", { name: "Cancel import" }).click();
  await expect(page.getByText("Import cancelled")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("Nothing was imported")).toBeVisible();
  const list = await query<{ items: unknown[] }>(page, "clients.list", { limit: 10 });
  expect(list.items).toHaveLength(0);
});

test("bad files get a clear explanation", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page);
  // The importer's old address still works.
  await page.goto("/import");
  await expect(page).toHaveURL(/\/imports$/);
  const error = page.getByRole("alert").filter({ hasText: "This file can't be imported" });

  await chooseFile(page, { name: "empty.csv", mimeType: "text/csv", buffer: Buffer.from("") });
  await expect(error).toContainText("The file is empty");

  await chooseFile(page, { name: "Contacts.xlsx", mimeType: "application/octet-stream", buffer: Buffer.from("PK") });
  await expect(error).toContainText("Spreadsheet files can't be read directly");

  await chooseFile(page, { name: "headers.csv", mimeType: "text/csv", buffer: csv(["First name,Email"]) });
  await expect(error).toContainText("The file has a header row but no clients");

  const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
  await chooseFile(page, { name: "photo.csv", mimeType: "text/csv", buffer: png });
  await expect(error).toContainText("This is not a CSV file");

  await chooseFile(page, {
    name: "broken.csv",
    mimeType: "text/csv",
    buffer: csv(["First Name,Notes", "Ada,fine", 'Grace,"this quote never closes', "Alan,lost"]),
  });
  await expect(error).toContainText("Line 3: a quoted value is never closed");
  await screenshot(page, "import-bad-file");
  await expect(page).toHaveURL(/\/imports$/);

  // A good file after a bad one goes through; one that is not UTF-8 is read as Latin-1, with a warning.
  await chooseFile(page, {
    name: "excel-export.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("Name;Email\r\nJosé Müller;jose@example.com\r\n", "latin1"),
  });
  await expect(page.getByRole("heading", { name: "Match the columns" })).toBeVisible();
  await expect(page.getByText("semicolon-separated · Latin-1 (Windows-1252)")).toBeVisible();
  await expect(page.getByText("The file is not UTF-8; read it as Latin-1")).toBeVisible();
  await expect(page.locator('tbody[data-line="2"]')).toContainText("José Müller");
});
