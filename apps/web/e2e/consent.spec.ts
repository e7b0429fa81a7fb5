import { expect, test } from "@playwright/test";
import { clientRows, createClients, expectToast } from "./crm-helpers";
import { screenshot, signUp, uniqueEmail } from "./helpers";

test.describe.configure({ timeout: 90_000 });

test("record a client's lawful basis and marketing consent, see it in the activity, filter the list by it", async ({
  page,
}) => {
  await signUp(page);
  const [ada] = await createClients(page, [
    { firstName: "Ada", lastName: "Lovelace", email: uniqueEmail("ada") },
    { firstName: "Grace", lastName: "Hopper", consent: { basis: "contract", source: "Signed agreement" } },
    { firstName: "Alan", lastName: "Turing" },
  ]);

  // The new-client form takes an optional lawful basis.
  await page.reload();
  await page.getByRole("button", { name: "New client" }).first().click();
  const newClient = page.getByRole("dialog", { name: "New client" });
  await newClient.getByLabel("First name").fill("Mary");
  await newClient.getByLabel("Last name").fill("Somerville");
  await newClient.getByLabel("Lawful basis").selectOption("legitimate_interest");
  await expect(newClient).toContainText("weighed against their interests");
  await newClient.getByLabel("Lawful basis").scrollIntoViewIfNeeded();
  await screenshot(page, "consent-new-client");
  await newClient.getByRole("button", { name: "Add client" }).click();
  await expect(newClient).toBeHidden();

  await page.goto(`/clients/${ada!.id}`);
  const section = page.getByRole("region", { name: "Consent & lawful basis" });
  await expect(section).toContainText("Not recorded");
  await expect(section).toContainText("Not agreed");

  await section.getByRole("button", { name: "Edit consent" }).click();
  const dialog = page.getByRole("dialog", { name: "Consent & lawful basis" });
  await dialog.getByLabel("Lawful basis").selectOption("consent");
  await expect(dialog).toContainText("can take it back at any time");
  await dialog.getByLabel("Given on").fill("2026-01-15");
  await dialog.getByLabel("How it was given").fill("Intake form");
  await dialog.getByLabel("Agreed to receive marketing email").check();
  // Ticking the box dates it today; the date can be changed.
  await expect(dialog.getByLabel("Agreed on")).not.toHaveValue("");
  await screenshot(page, "consent-dialog");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expectToast(page, "Consent saved");

  await expect(section).toContainText("Consent");
  await expect(section).toContainText("Intake form");
  await expect(section).toContainText(/Agreed on/);
  await expect(section).not.toContainText("Not recorded");

  const activity = page.getByRole("region", { name: "Activity" });
  await expect(activity).toContainText("Set lawful basis to Consent");
  await expect(activity).toContainText("Set consent source to Intake form");
  await expect(activity).toContainText("Changed marketing email consent from no to yes");
  await screenshot(page, "consent-client-laptop");

  // Withdrawing marketing consent clears its date, and the log says so.
  await section.getByRole("button", { name: "Edit consent" }).click();
  await dialog.getByLabel("Agreed to receive marketing email").uncheck();
  await expect(dialog.getByLabel("Agreed on")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(section).toContainText("Not agreed");
  await expect(activity).toContainText("Changed marketing email consent from yes to no");

  // "Not recorded" clears the basis's date and source in the form too.
  await section.getByRole("button", { name: "Edit consent" }).click();
  await dialog.getByLabel("Lawful basis").selectOption("");
  await expect(dialog.getByLabel("Given on")).toHaveValue("");
  await expect(dialog.getByLabel("How it was given")).toHaveValue("");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(section).toContainText("Intake form");

  // The list filters by lawful basis (or none recorded) and by marketing consent, kept in the URL.
  await page.goto("/clients");
  await expect(clientRows(page)).toHaveCount(4);
  await page.getByRole("combobox", { name: "Filter by lawful basis" }).selectOption("legitimate_interest");
  await expect(clientRows(page)).toHaveCount(1);
  await expect(clientRows(page).first()).toContainText("Mary Somerville");
  await page.getByRole("combobox", { name: "Filter by lawful basis" }).selectOption("consent");
  await expect(page).toHaveURL(/consent=consent/);
  await expect(clientRows(page)).toHaveCount(1);
  await expect(clientRows(page).first()).toContainText("Ada Lovelace");
  await page.reload();
  await expect(page.getByRole("combobox", { name: "Filter by lawful basis" })).toHaveValue("consent");
  await expect(clientRows(page)).toHaveCount(1);

  await page.getByRole("combobox", { name: "Filter by lawful basis" }).selectOption("none");
  await expect(clientRows(page)).toHaveCount(1);
  await expect(clientRows(page).first()).toContainText("Alan Turing");

  await page.getByRole("combobox", { name: "Filter by lawful basis" }).selectOption("");
  await page.getByRole("combobox", { name: "Filter by marketing consent" }).selectOption("no");
  await expect(page).toHaveURL(/marketing=no/);
  await expect(clientRows(page)).toHaveCount(4);
  await page.getByRole("combobox", { name: "Filter by marketing consent" }).selectOption("yes");
  await expect(page.getByRole("heading", { name: /No clients match/i })).toBeVisible();
  await page.getByRole("combobox", { name: "Filter by lawful basis" }).selectOption("contract");
  await page.getByRole("combobox", { name: "Filter by marketing consent" }).selectOption("");
  await expect(clientRows(page)).toHaveCount(1);
  await expect(clientRows(page).first()).toContainText("Grace Hopper");
  await screenshot(page, "consent-list-laptop");

  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "consent-list-phone");
  await page.goto(`/clients/${ada!.id}`);
  await expect(section).toContainText("Intake form");
  await screenshot(page, "consent-client-phone");
  await section.getByRole("button", { name: "Edit consent" }).click();
  await expect(dialog).toBeVisible();
  await screenshot(page, "consent-dialog-phone");
});
