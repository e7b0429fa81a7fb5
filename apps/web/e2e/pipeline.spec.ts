import { expect, test } from "@playwright/test";
import { boardCard, createClient, createClients, drag, expectToast, stageColumn, trpcMutation } from "./crm-helpers";
import { screenshot, signUp } from "./helpers";

// Each test seeds its own account and data through the API: allow for a busy machine.
test.describe.configure({ timeout: 90_000 });

async function seedBoard(page: import("@playwright/test").Page) {
  const stages = await page.request
    .get("/trpc/pipeline.stages")
    .then((r) => r.json())
    .then((b) => b.result.data.json as { id: string; name: string }[]);
  const id = (name: string) => stages.find((s) => s.name === name)!.id;
  const clients = await createClients(page, [
    { firstName: "Maya", lastName: "Patel", company: "Patel Studio", tags: ["vip", "yoga"] },
    { firstName: "Jonas", lastName: "Berg", company: "Berg GmbH" },
    { firstName: "Aiko", lastName: "Tanaka", company: "Tanaka Design", tags: ["referral"] },
    { firstName: "Sam", lastName: "Rivera", stageId: id("Contacted"), tags: ["newsletter"] },
    { firstName: "Lena", lastName: "Fischer", company: "Fischer & Co", stageId: id("Proposal sent") },
    { firstName: "Omar", lastName: "Haddad", stageId: id("Won"), status: "inactive" },
  ]);
  return { stages, id, clients };
}

test("drag a card to another stage; it stays there after a reload", async ({ page }) => {
  await signUp(page);
  await seedBoard(page);
  await page.goto("/pipeline");
  await expect(page.getByRole("heading", { level: 1, name: "Pipeline" })).toBeVisible();
  await expect(stageColumn(page, "Lead").locator("[data-client-card]")).toHaveCount(3);
  await screenshot(page, "board");

  let moved = page.waitForResponse((r) => r.url().includes("pipeline.moveClient") && r.ok());
  await drag(page, boardCard(page, "Maya Patel"), stageColumn(page, "Contacted"));
  // Optimistic: it shows in the new stage at once.
  await expect(stageColumn(page, "Contacted").locator('[data-client-card="Maya Patel"]')).toBeVisible();
  await expect(stageColumn(page, "Lead").locator('[data-client-card="Maya Patel"]')).toHaveCount(0);
  await moved;

  await page.reload();
  await expect(stageColumn(page, "Contacted").locator('[data-client-card="Maya Patel"]')).toBeVisible();
  await expect(stageColumn(page, "Lead").locator("[data-client-card]")).toHaveCount(2);

  // Within a column: drag the last card above the first.
  const lead = stageColumn(page, "Lead");
  const cards = lead.locator("[data-client-card]");
  const [top, bottom] = [
    await cards.first().getAttribute("data-client-card"),
    await cards.last().getAttribute("data-client-card"),
  ];
  moved = page.waitForResponse((r) => r.url().includes("pipeline.moveClient") && r.ok());
  await drag(page, boardCard(page, bottom!), boardCard(page, top!), 4);
  await expect(cards.first()).toHaveAttribute("data-client-card", bottom!);
  await expect(cards.last()).toHaveAttribute("data-client-card", top!);
  await moved;
  await page.reload();
  await expect(cards.first()).toHaveAttribute("data-client-card", bottom!);

  // The card's client page shows the move in its activity.
  await stageColumn(page, "Contacted").getByRole("link", { name: "Maya Patel" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Maya Patel" })).toBeVisible();
  await expect(
    page.getByRole("region", { name: "Activity" }).getByText("Moved from stage Lead to Contacted"),
  ).toBeVisible();
});

test("cards move with the keyboard too", async ({ page }) => {
  await signUp(page);
  await seedBoard(page);
  await page.goto("/pipeline");
  const handle = page.getByRole("button", { name: "Move Jonas Berg" });
  await handle.focus();
  const moved = page.waitForResponse((r) => r.url().includes("pipeline.moveClient") && r.ok());
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
  await expect(stageColumn(page, "Contacted").locator('[data-client-card="Jonas Berg"]')).toBeVisible();
  await moved;
  await page.reload();
  await expect(stageColumn(page, "Contacted").locator('[data-client-card="Jonas Berg"]')).toBeVisible();
});

test("a refused move rolls back with a clear message; the board notices outside changes", async ({ page }) => {
  await signUp(page);
  const { clients, id } = await seedBoard(page);
  await page.goto("/pipeline");
  await expect(boardCard(page, "Maya Patel")).toBeVisible();

  // Another tab edits Maya after this board was loaded: the move sends a stale version.
  const maya = clients.find((c) => c.name === "Maya Patel")!;
  await trpcMutation(page, "clients.update", { id: maya.id, version: maya.version, company: "Elsewhere Inc" });
  await drag(page, boardCard(page, "Maya Patel"), stageColumn(page, "Proposal sent"));
  await expectToast(page, "Record was modified. Refresh and retry.");
  await expect(stageColumn(page, "Lead").locator('[data-client-card="Maya Patel"]')).toBeVisible();
  await expect(stageColumn(page, "Proposal sent").locator('[data-client-card="Maya Patel"]')).toHaveCount(0);

  // A client deleted elsewhere.
  await page.reload();
  const jonas = clients.find((c) => c.name === "Jonas Berg")!;
  await expect(boardCard(page, "Jonas Berg")).toBeVisible();
  await trpcMutation(page, "clients.delete", { id: jonas.id });
  await drag(page, boardCard(page, "Jonas Berg"), stageColumn(page, "Proposal sent"));
  await expectToast(page, "This client no longer exists");
  await expect(boardCard(page, "Jonas Berg")).toHaveCount(0);

  // A change from elsewhere shows the hint (the board polls its revision every 10 s).
  await trpcMutation(page, "pipeline.moveClient", {
    clientId: clients.find((c) => c.name === "Aiko Tanaka")!.id,
    stageId: id("Won"),
    index: 0,
    version: clients.find((c) => c.name === "Aiko Tanaka")!.version,
  });
  const hint = page.getByRole("status").filter({ hasText: "The board changed" });
  await expect(hint).toBeVisible({ timeout: 15_000 });
  await screenshot(page, "board-changed");
  await hint.getByRole("button", { name: "Refresh" }).click();
  await expect(hint).toBeHidden();
  await expect(stageColumn(page, "Won").locator('[data-client-card="Aiko Tanaka"]')).toBeVisible();
});

test("stages: add, rename and recolor, reorder, delete with a destination for its clients", async ({ page }) => {
  await signUp(page);
  await seedBoard(page);
  await page.goto("/pipeline");

  await page.getByRole("button", { name: "Add stage" }).click();
  const dialog = page.getByRole("dialog", { name: "New stage" });
  await dialog.getByLabel("Name").fill("Negotiation");
  await dialog.getByTitle("Rose").click();
  await dialog.getByRole("button", { name: "Add stage" }).click();
  await expect(stageColumn(page, "Negotiation")).toBeVisible();
  const headings = page.getByRole("region").getByRole("heading", { level: 2 });
  await expect(headings).toHaveText(["Lead", "Contacted", "Proposal sent", "Won", "Lost", "Negotiation"]);

  // Reorder: move it left twice.
  for (let i = 0; i < 2; i++) {
    await page.getByRole("button", { name: "Stage options for Negotiation" }).click();
    await page.getByRole("menuitem", { name: "Move left" }).click();
  }
  await expect(headings).toHaveText(["Lead", "Contacted", "Proposal sent", "Negotiation", "Won", "Lost"]);
  await page.reload();
  await expect(headings).toHaveText(["Lead", "Contacted", "Proposal sent", "Negotiation", "Won", "Lost"]);

  // Rename and recolor.
  await page.getByRole("button", { name: "Stage options for Negotiation" }).click();
  await page.getByRole("menuitem", { name: "Rename or recolor" }).click();
  const edit = page.getByRole("dialog", { name: "Edit stage" });
  await edit.getByLabel("Name").fill("Negotiating");
  await edit.getByTitle("Violet").click();
  await edit.getByRole("button", { name: "Save stage" }).click();
  await expect(stageColumn(page, "Negotiating")).toBeVisible();

  // Deleting a stage with clients asks where they go.
  await page.getByRole("button", { name: "Stage options for Proposal sent" }).click();
  await page.getByRole("menuitem", { name: "Delete stage" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete stage Proposal sent?" });
  await expect(confirm).toContainText("still has 1 client");
  await confirm.getByLabel("Move 1 client to").selectOption({ label: "Negotiating" });
  await screenshot(page, "board-delete-stage");
  await confirm.getByRole("button", { name: "Move clients and delete" }).click();
  await expect(stageColumn(page, "Proposal sent")).toHaveCount(0);
  await expect(stageColumn(page, "Negotiating").locator('[data-client-card="Lena Fischer"]')).toBeVisible();

  // An empty stage goes without questions.
  await page.getByRole("button", { name: "Stage options for Lost" }).click();
  await page.getByRole("menuitem", { name: "Delete stage" }).click();
  await page.getByRole("dialog", { name: "Delete stage Lost?" }).getByRole("button", { name: "Delete stage" }).click();
  await expect(stageColumn(page, "Lost")).toHaveCount(0);
});

test.describe("at phone width", () => {
  test.use({ viewport: { width: 375, height: 812 } });

  test("the board scrolls sideways, one column at a time", async ({ page }) => {
    await signUp(page);
    await seedBoard(page);
    await createClient(page, {
      firstName: "Zoe",
      lastName: "Long-Name-For-Wrapping",
      company: "A company with a long name",
    });
    await page.goto("/pipeline");
    await expect(boardCard(page, "Maya Patel")).toBeVisible();
    const scroller = stageColumn(page, "Lead").locator("xpath=..");
    const overflow = await scroller.evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(overflow).toBe(true);
    const pageOverflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(pageOverflow).toBe(false);
    await screenshot(page, "board-phone");
  });
});
