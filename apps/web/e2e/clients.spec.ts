import { expect, test } from "@playwright/test";
import { clientRows, createClient, createClients, expectToast, trpcMutation } from "./crm-helpers";
import { screenshot, signUp, uniqueEmail } from "./helpers";

// Each test seeds its own account and data through the API: allow for a busy machine.
test.describe.configure({ timeout: 90_000 });

test("create a client with a national phone number, then find it by part of the number", async ({ page }) => {
  await signUp(page);
  await expect(page.getByRole("heading", { name: "No clients yet" })).toBeVisible();

  await page.getByRole("button", { name: "New client" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New client" });
  await expect(dialog).toBeVisible();
  // A name or an email is required, checked before the round trip.
  await dialog.getByRole("button", { name: "Add client" }).click();
  await expect(dialog.getByText("Enter a name or an email")).toBeVisible();

  const email = uniqueEmail("maya");
  await dialog.getByLabel("First name").fill("Maya");
  await dialog.getByLabel("Last name").fill("Patel");
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Phone").fill("(415) 555-2671");
  await dialog.getByLabel("Company").fill("Patel Studio");
  await dialog.getByLabel("Tags").fill("vip");
  await dialog.getByLabel("Tags").press("Enter");
  await dialog.getByLabel("Tags").fill("yoga");
  await dialog.getByLabel("Tags").press("Enter");
  await dialog.getByLabel("Source").fill("Referral");
  await dialog.getByRole("button", { name: "Add client" }).click();
  await expect(dialog).toBeHidden();
  await expectToast(page, "Added Maya Patel");

  const row = clientRows(page).filter({ hasText: "Maya Patel" });
  await expect(row).toContainText("(415) 555-2671");
  await expect(row).toContainText("Patel Studio");
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Lead");

  await createClients(page, [
    { firstName: "Jonas", lastName: "Berg", email: uniqueEmail("jonas"), phone: "+49 30 901820", company: "Berg GmbH" },
    { firstName: "Aiko", lastName: "Tanaka", phone: "(212) 555-0199", company: "Tanaka Design", tags: ["vip"] },
    { firstName: "Sam", lastName: "Rivera", email: uniqueEmail("sam"), status: "inactive", tags: ["newsletter"] },
  ]);
  await page.reload();
  await expect(clientRows(page)).toHaveCount(4);
  // International numbers show in international format.
  await expect(clientRows(page).filter({ hasText: "Jonas Berg" })).toContainText("+49 30 901820");
  await screenshot(page, "clients-list");

  // Search by part of the number, spelled differently from how it was typed.
  await page.getByRole("searchbox", { name: "Search clients" }).fill("555 2671");
  await expect(page).toHaveURL(/q=555/);
  await expect(clientRows(page)).toHaveCount(1);
  await expect(clientRows(page).first()).toContainText("Maya Patel");

  // The search lives in the URL: a reload keeps it.
  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search clients" })).toHaveValue("555 2671");
  await expect(clientRows(page)).toHaveCount(1);

  // A typo-tolerant name search.
  await page.getByRole("searchbox", { name: "Search clients" }).fill("tanaka");
  await expect(clientRows(page)).toHaveCount(1);
  await expect(clientRows(page).first()).toContainText("Aiko Tanaka");
  await page.getByRole("button", { name: "Clear search" }).click();
  await expect(clientRows(page)).toHaveCount(4);

  // Filters live in the URL too, and back undoes them.
  await page.getByLabel("Filter by tag").selectOption("vip");
  await expect(page).toHaveURL(/tag=vip/);
  await expect(clientRows(page)).toHaveCount(2);
  await page.getByLabel("Filter by status").selectOption("inactive");
  await expect(page.getByRole("heading", { name: "No clients match" })).toBeVisible();
  await page.goBack();
  await expect(clientRows(page)).toHaveCount(2);
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(clientRows(page)).toHaveCount(4);

  // The same email again names the client who has it, with a link.
  await page.getByRole("button", { name: "New client" }).click();
  await dialog.getByLabel("First name").fill("Maya");
  await dialog.getByLabel("Email").fill(email.toUpperCase());
  await dialog.getByRole("button", { name: "Add client" }).click();
  await expect(dialog.getByText("already has this email")).toBeVisible();
  await expect(dialog.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "clients-new-duplicate");
  await dialog.getByRole("link", { name: "Maya Patel" }).click();
  await expect(page).toHaveURL(/\/clients\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Maya Patel" })).toBeVisible();
});

test("the list pages past the first 20 with a cursor, and sorts by column", async ({ page }) => {
  await signUp(page);
  const names = Array.from({ length: 25 }, (_, i) => `Client ${String(i + 1).padStart(2, "0")}`);
  await createClients(
    page,
    names.map((name) => ({ firstName: name.split(" ")[0], lastName: name.split(" ")[1] })),
  );
  await page.goto("/clients");
  await expect(clientRows(page)).toHaveCount(20);
  await expect(clientRows(page).first()).toContainText("Client 01");
  await expect(page.getByText("Client 21")).toHaveCount(0);

  await page.getByRole("button", { name: "Load more" }).click();
  await expect(clientRows(page)).toHaveCount(25);
  await expect(page.getByRole("link", { name: "Client 21" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Client 25" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

  // Clicking the Name header twice sorts Z–A, in the URL.
  const nameHeader = page.getByRole("columnheader", { name: /Name/ });
  await nameHeader.getByRole("button").click();
  await expect(page).toHaveURL(/sort=-name/);
  await expect(nameHeader).toHaveAttribute("aria-sort", "descending");
  await expect(clientRows(page).first()).toContainText("Client 25");
  await page.reload();
  await expect(clientRows(page).first()).toContainText("Client 25");
  await nameHeader.getByRole("button").click();
  await expect(clientRows(page).first()).toContainText("Client 01");

  // Newest first (created), from the sort menu.
  await page.getByLabel("Sort by").selectOption("-created");
  await expect(page).toHaveURL(/sort=-created/);
  await expect(clientRows(page).first()).toContainText(/Client 2[1-5]/);
});

test("client page: edit details, notes with line breaks, activity in words", async ({ page }) => {
  await signUp(page);
  const client = await createClient(page, {
    firstName: "Maya",
    lastName: "Patel",
    email: uniqueEmail("maya"),
    phone: "415 555 2671",
    company: "Old Co",
    tags: ["vip"],
  });
  await page.goto("/clients");
  await clientRows(page).filter({ hasText: "Maya Patel" }).click();
  await expect(page).toHaveURL(new RegExp(`/clients/${client.id}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Maya Patel" })).toBeVisible();
  await expect(page.getByText("(415) 555-2671")).toBeVisible();

  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await page.getByLabel("Company").fill("New Co");
  await page.getByLabel("Status").selectOption("inactive");
  await page.getByLabel("Pipeline stage").selectOption({ label: "Won" });
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "Edit details" })).toBeHidden();
  await expect(page.getByRole("definition").filter({ hasText: "New Co" })).toBeVisible();

  const activity = page.getByRole("region", { name: "Activity" });
  await expect(activity.getByText("Changed company from Old Co to New Co")).toBeVisible();
  await expect(activity.getByText("Changed status from Active to Inactive")).toBeVisible();
  await expect(activity.getByText("Moved from stage Lead to Won")).toBeVisible();

  // Notes keep their line breaks; newest first.
  const composer = page.getByLabel("New note");
  await composer.fill("First call went well.");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(composer).toHaveValue("");
  await composer.fill("Follow-up:\n- send the proposal\n- book a session");
  await composer.press("Control+Enter");
  const notes = page.getByRole("list", { name: "Notes, newest first" }).getByRole("listitem");
  await expect(notes).toHaveCount(2);
  await expect(notes.first()).toContainText("Follow-up:");
  const height = await notes
    .first()
    .locator("p.whitespace-pre-wrap")
    .evaluate((el) => el.clientHeight);
  expect(height).toBeGreaterThan(50); // three lines, not one

  // Edit a note (sends its version).
  await notes.last().hover();
  await notes.last().getByRole("button", { name: "Edit note" }).click();
  await page.getByRole("textbox", { name: "Edit note" }).fill("First call went very well.");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(notes.last()).toContainText("First call went very well.");
  await expect(notes.last()).toContainText("edited");
  await expect(activity.getByText("Edited a note")).toBeVisible();
  await expect(activity.getByText("Added a note").first()).toBeVisible();
  await screenshot(page, "client-detail");

  // Delete a note.
  await notes.last().hover();
  await notes.last().getByRole("button", { name: "Delete note" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete note" }).click();
  await expect(notes).toHaveCount(1);
  await expect(activity.getByText("Deleted a note")).toBeVisible();
});

test("saving a client edited meanwhile in another tab shows the conflict and reloads", async ({ page, context }) => {
  await signUp(page);
  const client = await createClient(page, { firstName: "Maya", lastName: "Patel", company: "Original Co" });
  const other = await context.newPage();
  await page.goto(`/clients/${client.id}`);
  await other.goto(`/clients/${client.id}`);
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await other.getByRole("button", { name: "Edit", exact: true }).click();

  await other.getByLabel("Company").fill("Saved in tab two");
  await other.getByRole("button", { name: "Save changes" }).click();
  await expect(other.getByRole("heading", { name: "Edit details" })).toBeHidden();
  await expect(other.getByRole("definition").filter({ hasText: "Saved in tab two" })).toBeVisible();

  await page.getByLabel("Company").fill("Edited in tab one");
  await page.getByRole("button", { name: "Save changes" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Record was modified. Refresh and retry." });
  await expect(alert).toBeVisible();
  // The user's edit is still there until they choose to reload.
  await expect(page.getByLabel("Company")).toHaveValue("Edited in tab one");
  await screenshot(page, "client-conflict");

  await alert.getByRole("button", { name: "Reload" }).click();
  await expect(alert).toBeHidden();
  await expect(page.getByLabel("Company")).toHaveValue("Saved in tab two");
  await page.getByLabel("Company").fill("Edited in tab one");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: "Edit details" })).toBeHidden();
  await expect(page.getByRole("definition").filter({ hasText: "Edited in tab one" })).toBeVisible();
  await other.close();
});

test("delete a client to Trash, undo, and restore it from Trash", async ({ page }) => {
  await signUp(page);
  const email = uniqueEmail("maya");
  const client = await createClient(page, { firstName: "Maya", lastName: "Patel", email });
  await createClient(page, { firstName: "Keep", lastName: "Me" });

  // Delete, then Undo from the notice.
  await page.goto(`/clients/${client.id}`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Move to Trash" }).click();
  await expect(page).toHaveURL(/\/clients$/);
  await expectToast(page, "Moved Maya Patel to Trash");
  await expect(clientRows(page).filter({ hasText: "Maya Patel" })).toHaveCount(0);
  await page.getByRole("button", { name: "Undo" }).click();
  await expectToast(page, "Restored Maya Patel");
  await expect(clientRows(page).filter({ hasText: "Maya Patel" })).toHaveCount(1);

  // Delete again, then restore from Trash.
  await page.goto(`/clients/${client.id}`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Move to Trash" }).click();
  await expect(page).toHaveURL(/\/clients$/);
  await page.getByRole("link", { name: "Trash" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Trash" })).toBeVisible();
  const row = page.getByRole("main").getByRole("listitem").filter({ hasText: "Maya Patel" });
  await expect(row).toContainText("Deleted just now");
  await expect(row).toContainText("Purged on");

  // Someone else took the email meanwhile: restoring says who, with a link.
  const taker = await createClient(page, { firstName: "Email", lastName: "Taker", email });
  await row.getByRole("button", { name: "Restore Maya Patel" }).click();
  await expect(row.getByRole("alert")).toContainText("Email Taker already has this email");
  await screenshot(page, "trash");
  await trpcMutation(page, "clients.update", { id: taker.id, version: taker.version, email: null });

  await row.getByRole("button", { name: "Restore Maya Patel" }).click();
  await expectToast(page, "Restored Maya Patel");
  await expect(page.getByRole("heading", { name: "Trash is empty" })).toBeVisible();
  await page.goto("/clients");
  await expect(clientRows(page).filter({ hasText: "Maya Patel" })).toHaveCount(1);
});
