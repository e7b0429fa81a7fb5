import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { listActivity } from "../activity/activity";
import { createClient, getClient } from "../clients/clients";
import { listClients } from "../clients/list";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import { runImport } from "./run";
import { createImport, startImport } from "./service";
import { getImport } from "./status";

const testDb = useTestDatabase();
const enc = (s: string) => new TextEncoder().encode(s);

async function owner() {
  const base = { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z") };
  const user = await createTestUser(base, { timeZone: "Europe/Berlin" });
  return { ...base, userId: user.id };
}

async function importCsv(ctx: Awaited<ReturnType<typeof owner>>, csv: string, policy: "skip" | "update" = "skip") {
  const draft = await createImport(ctx, { filename: "consent.csv", bytes: enc(csv) });
  await startImport(
    ctx,
    { id: draft.id, mapping: draft.mapping as never, duplicatePolicy: policy },
    { enqueue: false },
  );
  await runImport(ctx, { userId: ctx.userId, importId: draft.id });
  return { draft, result: await getImport(ctx, draft.id) };
}

const HEADER = "Name,Email,Lawful basis,Consent date,Consent source,Marketing consent,Marketing consent date";

describe("CSV import: consent columns", () => {
  it("imports good consent values and fails the rows with bad ones, naming the column", async () => {
    const ctx = await owner();
    const { draft, result } = await importCsv(
      ctx,
      [
        HEADER,
        "Ada Lovelace,ada@example.com,Contract,2026-02-01,Signed agreement,yes,2026-02-15",
        "Grace Hopper,grace@example.com,legitimate interest,,,no,",
        "Alan Turing,alan@example.com,,,,Y,",
        "Bad Basis,bad1@example.com,vital interest,,,,",
        "Bad Flag,bad2@example.com,Consent,,,maybe,",
        "Future,bad3@example.com,Consent,2027-01-01,,,",
      ].join("\n"),
    );
    expect(Object.values(draft.mapping)).toEqual([
      "fullName",
      "email",
      "consentBasis",
      "consentGivenAt",
      "consentSource",
      "marketingConsent",
      "marketingConsentAt",
    ]);
    expect(result).toMatchObject({ status: "completed", created: 3, failed: 3 });
    expect(result.failures.map((f) => [f.line, f.reason])).toEqual([
      [5, 'Lawful basis "vital interest" must be consent, contract, legitimate interest or legal obligation'],
      [6, 'Marketing consent "maybe" must be yes or no'],
      [7, 'Consent date "2027-01-01" is in the future'],
    ]);

    const { items } = await listClients(ctx, {});
    const byEmail = new Map(items.map((c) => [c.email, c.consent]));
    expect(byEmail.get("ada@example.com")).toEqual({
      basis: "contract",
      givenAt: new Date("2026-01-31T23:00:00Z"),
      source: "Signed agreement",
      marketing: true,
      marketingAt: new Date("2026-02-14T23:00:00Z"),
    });
    expect(byEmail.get("grace@example.com")).toEqual({
      basis: "legitimate_interest",
      givenAt: null,
      source: null,
      marketing: false,
      marketingAt: null,
    });
    // Marketing consent without a date in the file is dated when it was recorded: the import.
    expect(byEmail.get("alan@example.com")).toEqual({
      basis: null,
      givenAt: null,
      source: null,
      marketing: true,
      marketingAt: new Date("2026-03-01T09:00:00Z"),
    });
    expect((await listClients(ctx, { consent: "none" })).items.map((c) => c.email)).toEqual(["alan@example.com"]);
  });

  it("updates an existing client's consent from the file (blank cells keep theirs) and logs the change", async () => {
    const ctx = await owner();
    const existing = await createClient(ctx, {
      firstName: "Ada",
      email: "ada@example.com",
      consent: { basis: "consent", source: "Intake form", marketing: true },
    });
    ctx.clock.set("2026-03-02T09:00:00Z");
    const { result } = await importCsv(
      ctx,
      [HEADER, "Ada Lovelace,ada@example.com,Contract,,,no,"].join("\n"),
      "update",
    );
    expect(result).toMatchObject({ status: "completed", updated: 1 });
    const after = await getClient(ctx, existing.id);
    expect(after.consent).toEqual({
      basis: "contract",
      givenAt: null,
      source: "Intake form",
      marketing: false,
      marketingAt: null,
    });
    const [entry] = (await listActivity(ctx, { clientId: existing.id })).items;
    expect(entry?.changes).toMatchObject({
      consentBasis: { before: "consent", after: "contract" },
      marketingConsent: { before: true, after: false },
      marketingConsentAt: { before: "2026-03-01T09:00:00.000Z", after: null },
    });
  });
});
