import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { listActivity } from "../activity/activity";
import { DomainError } from "../errors";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import { createClient, getClient, updateClient } from "./clients";
import { listClients } from "./list";

const testDb = useTestDatabase();
const NOW = "2026-03-01T09:00:00.000Z";

async function owner() {
  const clock = new ManualClock(NOW);
  const base = { db: testDb().db, clock };
  const user = await createTestUser(base);
  return { ...base, userId: user.id, user };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("clients: consent and lawful basis", () => {
  it("creates a client without consent as not recorded, and with it as given", async () => {
    const ctx = await owner();
    const plain = await createClient(ctx, { firstName: "Ada" });
    expect(plain.consent).toEqual({ basis: null, givenAt: null, source: null, marketing: false, marketingAt: null });

    const given = await createClient(ctx, {
      firstName: "Grace",
      consent: {
        basis: "contract",
        givenAt: new Date("2026-02-10T00:00:00Z"),
        source: "  Signed coaching agreement ",
        marketing: true,
      },
    });
    // Marketing consent without a date is dated now, by the clock.
    expect(given.consent).toEqual({
      basis: "contract",
      givenAt: new Date("2026-02-10T00:00:00Z"),
      source: "Signed coaching agreement",
      marketing: true,
      marketingAt: new Date(NOW),
    });
    expect((await getClient(ctx, given.id)).consent).toEqual(given.consent);
  });

  it("refuses bad consent input naming the field, and writes nothing", async () => {
    const ctx = await owner();
    const cases: [unknown, string, string][] = [
      [{ basis: "gut_feeling" }, "consent.basis", "Lawful basis must be"],
      [{ basis: "consent", source: "x".repeat(501) }, "consent.source", "at most 500 characters"],
      [{ basis: "consent", givenAt: "not a date" }, "consent.givenAt", "Consent date must be a date"],
      [{ basis: "consent", givenAt: new Date("2026-03-02T09:00:00Z") }, "consent.givenAt", "cannot be in the future"],
      [{ marketing: true, marketingAt: new Date("2026-03-01T09:30:00Z") }, "consent.marketingAt", "in the future"],
      [{ marketing: false, marketingAt: new Date("2026-02-01T00:00:00Z") }, "consent.marketingAt", "needs marketing"],
      [{ marketing: "yes" }, "consent.marketing", "yes or no"],
      [{ givenAt: new Date("2026-02-01T00:00:00Z") }, "consent.basis", "Choose the lawful basis"],
      [{ basis: null, source: "intake form" }, "consent.basis", "Choose the lawful basis"],
    ];
    for (const [consent, field, message] of cases) {
      const error = await failure(createClient(ctx, { firstName: "Ada", consent } as never));
      expect({ code: error.code, field: error.field }, field).toEqual({ code: "VALIDATION", field });
      expect(error.message).toContain(message);
    }
    // Five minutes of clock skew is allowed (a browser's clock runs a little fast).
    const skewed = await createClient(ctx, {
      firstName: "Ada",
      consent: { basis: "consent", givenAt: new Date("2026-03-01T09:04:00Z") },
    });
    expect(skewed.consent.givenAt).toEqual(new Date("2026-03-01T09:04:00Z"));
    expect((await listClients(ctx, {})).items.map((c) => c.id)).toEqual([skewed.id]);
  });

  it("updates consent with the version, keeps what is left out, dates marketing and clears it when it turns off", async () => {
    const ctx = await owner();
    const created = await createClient(ctx, { firstName: "Ada" });
    const first = await updateClient(ctx, {
      id: created.id,
      version: created.version,
      consent: { basis: "consent", givenAt: new Date("2026-02-20T00:00:00Z"), source: "Intake form" },
    });
    expect(first.version).toBe(created.version + 1);
    expect(first.consent).toMatchObject({ basis: "consent", source: "Intake form", marketing: false });

    ctx.clock.set("2026-03-02T10:00:00Z");
    const optedIn = await updateClient(ctx, { id: created.id, version: first.version, consent: { marketing: true } });
    expect(optedIn.consent).toEqual({
      ...first.consent,
      marketing: true,
      marketingAt: new Date("2026-03-02T10:00:00Z"),
    });

    // A change elsewhere: the stale version is refused and nothing moves.
    const stale = await failure(
      updateClient(ctx, { id: created.id, version: first.version, consent: { marketing: false } }),
    );
    expect(stale.code).toBe("STALE_VERSION");

    // Editing other fields keeps the marketing date as it was.
    ctx.clock.set("2026-03-05T10:00:00Z");
    const renamed = await updateClient(ctx, { id: created.id, version: optedIn.version, firstName: "Augusta" });
    expect(renamed.consent.marketingAt).toEqual(new Date("2026-03-02T10:00:00Z"));

    const optedOut = await updateClient(ctx, {
      id: created.id,
      version: renamed.version,
      consent: { marketing: false },
    });
    expect(optedOut.consent).toMatchObject({ marketing: false, marketingAt: null, basis: "consent" });

    // "Not recorded" takes the date and the source with it.
    const cleared = await updateClient(ctx, { id: created.id, version: optedOut.version, consent: { basis: null } });
    expect(cleared.consent).toEqual({ basis: null, givenAt: null, source: null, marketing: false, marketingAt: null });

    const future = await failure(
      updateClient(ctx, {
        id: created.id,
        version: cleared.version,
        consent: { basis: "contract", givenAt: new Date("2026-04-01T00:00:00Z") },
      }),
    );
    expect(future).toMatchObject({ code: "VALIDATION", field: "consent.givenAt" });
    expect((await getClient(ctx, created.id)).version).toBe(cleared.version);
  });

  it("records each consent change in the activity log with before and after", async () => {
    const ctx = await owner();
    const created = await createClient(ctx, { firstName: "Ada", consent: { basis: "legitimate_interest" } });
    const updated = await updateClient(ctx, {
      id: created.id,
      version: created.version,
      consent: { basis: "contract", source: "Signed contract", marketing: true },
    });
    await updateClient(ctx, { id: created.id, version: updated.version, consent: { marketing: false } });
    const { items } = await listActivity(ctx, { clientId: created.id });
    expect(items.map((i) => i.action)).toEqual(["updated", "updated", "created"]);
    expect(items[2]!.changes).toMatchObject({
      firstName: { before: null, after: "Ada" },
      consentBasis: { before: null, after: "legitimate_interest" },
    });
    expect(items[2]!.changes).not.toHaveProperty("marketingConsent");
    expect(items[1]!.changes).toEqual({
      consentBasis: { before: "legitimate_interest", after: "contract" },
      consentSource: { before: null, after: "Signed contract" },
      marketingConsent: { before: false, after: true },
      marketingConsentAt: { before: null, after: NOW },
    });
    expect(items[0]!.changes).toEqual({
      marketingConsent: { before: true, after: false },
      marketingConsentAt: { before: NOW, after: null },
    });
  });

  it("filters the list by lawful basis, not recorded and marketing consent, the owner's clients only", async () => {
    const ctx = await owner();
    const other = await owner();
    const none = await createClient(ctx, { firstName: "Ada" });
    const contract = await createClient(ctx, { firstName: "Brian", consent: { basis: "contract" } });
    // Created a minute apart, so the newest-first page below has one order.
    ctx.clock.set("2026-03-01T09:01:00Z");
    const consentMarketing = await createClient(ctx, {
      firstName: "Cleo",
      consent: { basis: "consent", marketing: true },
    });
    ctx.clock.set("2026-03-01T09:02:00Z");
    const noneMarketing = await createClient(ctx, { firstName: "Dan", consent: { marketing: true } });
    await createClient(other, { firstName: "Eve", consent: { basis: "contract", marketing: true } });
    await createClient(other, { firstName: "Fay" });

    const names = async (input: Parameters<typeof listClients>[1]) =>
      (await listClients(ctx, input)).items.map((c) => c.firstName);
    expect(await names({ consent: "contract" })).toEqual(["Brian"]);
    expect(await names({ consent: "none" })).toEqual(["Ada", "Dan"]);
    expect(await names({ marketing: true })).toEqual(["Cleo", "Dan"]);
    expect(await names({ marketing: false })).toEqual(["Ada", "Brian"]);
    expect(await names({ consent: "none", marketing: true })).toEqual(["Dan"]);
    expect(await names({ consent: "legal_obligation" })).toEqual([]);
    // With a search term too, and paged by cursor.
    expect(await names({ consent: "none", query: "dan" })).toEqual(["Dan"]);
    const page = await listClients(ctx, { marketing: true, limit: 1, sort: "-created" });
    expect(page.items.map((c) => c.id)).toEqual([noneMarketing.id]);
    const next = await listClients(ctx, { marketing: true, limit: 1, sort: "-created", cursor: page.nextCursor });
    expect(next.items.map((c) => c.id)).toEqual([consentMarketing.id]);
    expect(next.nextCursor).toBeNull();
    expect((await listClients(ctx, { consent: "none" })).items.map((c) => c.id)).toEqual([none.id, noneMarketing.id]);
    expect(contract.consent.basis).toBe("contract");

    const refused = await failure(listClients(ctx, { consent: "maybe" as never }));
    expect(refused).toMatchObject({ code: "VALIDATION", field: "consent" });
  });

  it("never updates another owner's client", async () => {
    const ctx = await owner();
    const other = await owner();
    const theirs = await createClient(other, { firstName: "Eve" });
    const error = await failure(
      updateClient(ctx, { id: theirs.id, version: theirs.version, consent: { basis: "contract" } }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect((await getClient(other, theirs.id)).consent.basis).toBeNull();
  });
});
