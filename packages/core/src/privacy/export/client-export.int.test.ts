import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createClient } from "../../clients/clients";
import { exportClient } from "./client";
import { clientsCsv } from "./clients-csv";
import { newOwner, seedAccount } from "./export-fixture.test-util";
import { parseCsv } from "./unzip.test-util";

const testDb = useTestDatabase();
const owner = (clock?: Parameters<typeof newOwner>[1]) => newOwner(testDb().db, clock);

describe("exportClient", () => {
  it("gathers one client's fields, notes, bookings, activity and emails, and nobody else's", async () => {
    const ctx = await owner();
    const seeded = await seedAccount(ctx);
    const other = await owner(ctx.clock);
    const result = await exportClient(ctx, seeded.ada.id);
    expect(result.client).toMatchObject({
      id: seeded.ada.id,
      email: "ada@example.com",
      consentBasis: "consent",
      marketingConsent: true,
    });
    expect(result.client).not.toHaveProperty("search");
    expect(result.notes.map((n) => n.body).sort()).toEqual([
      "Plain note: prefers mornings",
      "Sealed note: anxiety, sleeps badly",
    ]);
    expect(result.bookings.map((b) => b.notes)).toEqual(["Booking note: bring the intake form"]);
    // The reminder of their booking, and the mail to their address in another letter case.
    const emails = await ctx.db.select().from(schema.emailMessages).where(eq(schema.emailMessages.userId, ctx.userId));
    expect(result.emails.map((e) => e.id).sort()).toEqual(emails.map((e) => e.id).sort());
    expect(result.emails.map((e) => e.subject)).toEqual(expect.arrayContaining(["Hello", "Reminder: First session"]));
    expect(result.activity.length).toBeGreaterThan(0);
    expect(result.activity.every((a) => a.clientId === seeded.ada.id || a.entityId === seeded.ada.id)).toBe(true);

    const formula = await exportClient(ctx, seeded.formula.id);
    expect(formula.notes).toEqual([]);
    expect(formula.emails).toEqual([]);
    await expect(exportClient(other, seeded.ada.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("clients CSV", () => {
  it("holds the rows of the list's filter, in its order, with formula cells defused", async () => {
    const ctx = await owner();
    for (let i = 0; i < 105; i++) await createClient(ctx, { firstName: `Active${String(i).padStart(3, "0")}` });
    await createClient(ctx, { firstName: "=SUM(A1)", status: "inactive" });
    await createClient(ctx, { firstName: "@Inactive", lastName: "Two", status: "inactive" });

    const read = async (filter: Parameters<typeof clientsCsv>[1]) => {
      let text = "";
      for await (const piece of clientsCsv(ctx, filter)) text += piece;
      expect(text.startsWith("\uFEFF")).toBe(true);
      return parseCsv(text.slice(1));
    };
    const inactive = await read({ status: "inactive", sort: "name" });
    expect(inactive[0]!.slice(0, 3)).toEqual(["Name", "First name", "Last name"]);
    expect(inactive.slice(1).map((r) => r[1])).toEqual(["'=SUM(A1)", "'@Inactive"]);
    const active = await read({ status: "active", sort: "-name" });
    expect(active).toHaveLength(106);
    expect(active[1]![1]).toBe("Active104");
    const searched = await read({ query: "Inactive" });
    expect(searched.slice(1).map((r) => r[1])).toContain("'@Inactive");
  });
});
