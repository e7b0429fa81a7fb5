import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors";
import { ManualClock } from "../ports";
import { createTestUser } from "../testing";
import { listEmails } from "./emails";

const testDb = useTestDatabase();

async function ownerWithEmails(count: number) {
  const base = { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z") };
  const user = await createTestUser(base);
  await base.db.insert(schema.emailMessages).values(
    Array.from({ length: count }, (_, i) => ({
      userId: user.id,
      kind: "reminder",
      status: "sent" as const,
      toAddress: `client${i}@example.com`,
      createdAt: new Date(Date.UTC(2026, 1, 1, 0, i)),
    })),
  );
  return { ...base, userId: user.id };
}

describe("emails.list paging", () => {
  it("pages through every email newest first, each once", async () => {
    const ctx = await ownerWithEmails(65);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listEmails>> = await listEmails(ctx, { cursor });
      seen.push(...page.items.map((e) => e.to!));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(65);
    expect(new Set(seen).size).toBe(65);
    expect(seen[0]).toBe("client64@example.com");
  });

  it("answers a forged or damaged cursor with a validation error on the cursor, never a database error", async () => {
    const ctx = await ownerWithEmails(1);
    const id = "0b5a5d0e-8a7e-4d8e-9a51-3c1f3e0f2a11";
    const forged = [
      "garbage",
      `2026-02-01T00:00:00.000Z|not-a-uuid`,
      `2026-02-01T00:00:00.000Z|${id}'; select 1`,
      `2026-02-01T00:00:00.000Z|${id}|extra`,
      `-200000-01-01T00:00:00.000Z|${id}`,
      `+275760-09-13T00:00:00.000Z|${id}`,
      `2026-02-30T00:00:00.000Z|${id}`,
      `2026-02-01|${id}`,
      `|${id}`,
      "2026-02-01T00:00:00.000Z|",
    ];
    for (const cursor of forged) {
      const error = await listEmails(ctx, { cursor }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, cursor).toBeInstanceOf(DomainError);
      expect(error, cursor).toMatchObject({ code: "VALIDATION", message: "Invalid cursor", field: "cursor" });
    }
  });
});
