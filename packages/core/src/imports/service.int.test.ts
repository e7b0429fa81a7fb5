import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { and, eq, isNull, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createClient, getClient } from "../clients/clients";
import { DomainError } from "../errors";
import { ManualClock } from "../ports";
import { createTestUser, testDataKeys } from "../testing";
import { runImport } from "./run";
import { cancelImport, createImport, failedRowsFile, LISTED_DUPLICATES, startImport } from "./service";
import { getImport } from "./status";
import { fixtureBytes } from "./test-fixtures";

const testDb = useTestDatabase();
const enc = (s: string) => new TextEncoder().encode(s);

async function owner() {
  const base = { db: testDb().db, clock: new ManualClock("2026-03-01T09:00:00Z"), dataKeys: testDataKeys };
  const user = await createTestUser(base);
  return { ...base, userId: user.id };
}

async function importFile(
  ctx: Awaited<ReturnType<typeof owner>>,
  bytes: Uint8Array,
  policy: "skip" | "update" | "ask" = "skip",
  decisions?: Record<string, "skip" | "update">,
  onBatch?: Parameters<typeof runImport>[2],
) {
  const draft = await createImport(ctx, { filename: "clients.csv", bytes });
  await startImport(
    ctx,
    { id: draft.id, mapping: draft.mapping as never, duplicatePolicy: policy, decisions },
    { enqueue: false },
  );
  await runImport(ctx, { userId: ctx.userId, importId: draft.id }, onBatch).catch(() => {});
  return { draft, result: await getImport(ctx, draft.id) };
}

const liveClients = async (ctx: Awaited<ReturnType<typeof owner>>) =>
  ctx.db
    .select()
    .from(schema.clients)
    .where(and(eq(schema.clients.userId, ctx.userId), isNull(schema.clients.deletedAt)));

function bigCsv(rows: number, make: (i: number) => string) {
  return enc(["First Name,Last Name,Email,Company", ...Array.from({ length: rows }, (_, i) => make(i))].join("\n"));
}

describe("CSV import", () => {
  it.each([
    ["google-contacts.csv"],
    ["outlook.csv"],
    ["hubspot.csv"],
    ["bom-semicolon.csv"],
    ["quoted-multiline.csv"],
    ["latin1.csv"],
  ])("imports %s with its columns matched automatically", async (name) => {
    const ctx = await owner();
    const { draft, result } = await importFile(ctx, fixtureBytes(name));
    expect(result.status).toBe("completed");
    expect(result.created).toBeGreaterThan(0);
    expect(result.created + result.updated + result.skipped + result.failed).toBe(draft.preview.counts.rows);
    expect((await liveClients(ctx)).length).toBe(result.created);
  });

  it("refuses an empty, a binary and a headers-only file with a clear message, storing nothing", async () => {
    const ctx = await owner();
    for (const [name, message] of [
      ["empty.csv", /empty/i],
      ["binary.png", /not a CSV/i],
      ["headers-only.csv", /no clients/i],
    ] as const) {
      const error = await createImport(ctx, { filename: name, bytes: fixtureBytes(name) }).catch((e: DomainError) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).message, name).toMatch(message);
    }
    expect(await ctx.db.select().from(schema.imports).where(eq(schema.imports.userId, ctx.userId))).toEqual([]);
  });

  it("skips invalid rows and reports them with their line, downloadable as CSV", async () => {
    const ctx = await owner();
    const csv = enc(
      "First Name,Email,Phone\nAda,ada@example.com,(415) 555-2671\nBob,bob@,\n,,\nCleo,cleo@example.com,12\n",
    );
    const { result } = await importFile(ctx, csv);
    expect(result).toMatchObject({ status: "completed", created: 1, failed: 2 });
    expect(result.failures.map((f) => [f.line, f.reason])).toEqual([
      [3, expect.stringContaining('"bob@"')],
      [5, expect.stringContaining('"12"')],
    ]);
    const file = await failedRowsFile(ctx, result.id);
    expect(file.filename).toBe("clients-failed-rows.csv");
    expect(file.content).toContain("Problem,Line");
    expect(file.content).toContain("bob@");
  });

  it("the status polled during an import carries the first 100 failures, the download all of them", async () => {
    const ctx = await owner();
    const { result } = await importFile(
      ctx,
      bigCsv(250, (i) => (i % 2 ? `Ada,Lovelace,ada${i}@example.com,ACME` : `Bad,Row,not-an-email-${i},ACME`)),
    );
    expect(result).toMatchObject({ status: "completed", created: 125, failed: 125 });
    expect(result.failures).toHaveLength(100);
    expect(result.failures[0]).toMatchObject({ line: 2, reason: expect.stringContaining("not-an-email-0") });
    const file = await failedRowsFile(ctx, result.id);
    expect(file.content.trim().split("\r\n")).toHaveLength(126); // header + every failed row
  });

  it("keeps tags with quotes, braces, backslashes and accents exactly (and no tags as an empty list)", async () => {
    const ctx = await owner();
    const csv = enc('First Name,Tags\nAda,"say ""hi"" ; {vip} ; back\\slash ; café"\nBob,\n');
    const { result } = await importFile(ctx, csv);
    expect(result).toMatchObject({ status: "completed", created: 2 });
    const byName = Object.fromEntries((await liveClients(ctx)).map((c) => [c.firstName, c.tags]));
    expect(byName).toEqual({ Ada: ['say "hi"', "{vip}", "back\\slash", "café"], Bob: [] });
  });

  it("skips, updates, or asks about rows matching existing clients", async () => {
    const ctx = await owner();
    const existing = await createClient(ctx, {
      firstName: "Ada",
      email: "ada@example.com",
      company: "Old Co",
      tags: ["vip"],
    });
    const csv = enc(
      "First Name,Email,Company,Tags\nAda,ADA@example.com,New Co,newsletter\nBob,bob@example.com,Bobs,\n",
    );

    const skipped = await importFile(ctx, csv, "skip");
    expect(skipped.result).toMatchObject({ created: 1, skipped: 1, updated: 0 });
    expect((await getClient(ctx, existing.id)).company).toBe("Old Co");

    const other = await owner();
    const ada = await createClient(other, {
      firstName: "Ada",
      email: "ada@example.com",
      company: "Old Co",
      tags: ["vip"],
    });
    const updated = await importFile(other, csv, "update");
    expect(updated.result).toMatchObject({ created: 1, updated: 1 });
    const after = await getClient(other, ada.id);
    expect(after).toMatchObject({ company: "New Co", tags: ["vip", "newsletter"], version: ada.version + 1 });

    const third = await owner();
    await createClient(third, { firstName: "Ada", email: "ada@example.com" });
    const draft = await createImport(third, { filename: "c.csv", bytes: csv });
    expect(draft.existingDuplicates.map((d) => d.line)).toEqual([2]);
    const undecided = await startImport(
      third,
      { id: draft.id, mapping: draft.mapping as never, duplicatePolicy: "ask" },
      { enqueue: false },
    ).catch((e: DomainError) => e);
    expect(undecided).toMatchObject({ code: "VALIDATION", field: "decisions" });
    await startImport(
      third,
      { id: draft.id, mapping: draft.mapping as never, duplicatePolicy: "ask", decisions: { "2": "update" } },
      { enqueue: false },
    );
    await runImport(third, { userId: third.userId, importId: draft.id });
    expect(await getImport(third, draft.id)).toMatchObject({ created: 1, updated: 1 });
  });

  it("asks about matches beyond the 500 listed with one decision for the rest", async () => {
    const ctx = await owner();
    const matches = LISTED_DUPLICATES + 20;
    await ctx.db.insert(schema.clients).values(
      Array.from({ length: matches }, (_, i) => ({
        userId: ctx.userId,
        firstName: `Old${i}`,
        email: `m${i}@example.com`,
        company: "Old Co",
      })),
    );
    const csv = bigCsv(matches, (i) => `New${i},Import,m${i}@example.com,New Co`);
    const draft = await createImport(ctx, { filename: "many.csv", bytes: csv });
    expect(draft.existingDuplicates).toHaveLength(LISTED_DUPLICATES);
    expect(draft.existingDuplicateCount).toBe(matches);
    const listed = Object.fromEntries(draft.existingDuplicates.map((d) => [String(d.line), "skip" as const]));
    const start = (decisions: Record<string, "skip" | "update">) =>
      startImport(
        ctx,
        { id: draft.id, mapping: draft.mapping as never, duplicatePolicy: "ask", decisions },
        { enqueue: false },
      );
    const refused = await start(listed).catch((e: DomainError) => e);
    expect(refused).toMatchObject({ code: "VALIDATION", field: "decisions" });
    expect((refused as DomainError).message).toContain("20 duplicates beyond the first 500");
    await start({ ...listed, rest: "update" });
    await runImport(ctx, { userId: ctx.userId, importId: draft.id });
    expect(await getImport(ctx, draft.id)).toMatchObject({ created: 0, skipped: LISTED_DUPLICATES, updated: 20 });
    const companies = (await liveClients(ctx)).filter((c) => c.company === "New Co").map((c) => c.email);
    expect(companies.sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${LISTED_DUPLICATES + i}@example.com`).sort(),
    );
  });

  it("rolls everything back when the database refuses a row in batch 3, and says which batch", async () => {
    const ctx = await owner();
    await ctx.db.execute(sql`
      create or replace function refuse_explode() returns trigger language plpgsql as $$
      begin if new.company = 'EXPLODE' then raise exception 'refused'; end if; return new; end $$`);
    await ctx.db.execute(
      sql`create trigger refuse_explode before insert on clients for each row execute function refuse_explode()`,
    );
    try {
      const csv = bigCsv(300, (i) => `P${i},Import,p${i}@example.com,${i === 250 ? "EXPLODE" : "Co"}`);
      const { result } = await importFile(ctx, csv);
      expect(result.status).toBe("failed");
      expect(result.error).toBe(
        "Nothing was imported: the database refused the batch of lines 202–301. Fix those rows and try again.",
      );
      expect(await liveClients(ctx)).toEqual([]);
      const logs = await ctx.db.select().from(schema.activityLogs).where(eq(schema.activityLogs.userId, ctx.userId));
      expect(logs).toEqual([]);
    } finally {
      await ctx.db.execute(sql`drop trigger refuse_explode on clients`);
    }
  });

  it("shows progress while running, and a cancel rolls back everything", async () => {
    const ctx = await owner();
    const csv = bigCsv(450, (i) => `C${i},Cancel,c${i}@example.com,Co`);
    const seen: number[] = [];
    const { result } = await importFile(ctx, csv, "skip", undefined, async ({ processed }) => {
      // Another connection sees the progress of the uncommitted import.
      seen.push(
        (
          await getImport(
            ctx,
            (
              await ctx.db.select().from(schema.imports).where(eq(schema.imports.userId, ctx.userId))
            )[0]!.id,
          )
        ).processedRows,
      );
      if (processed === 200)
        await cancelImport(
          ctx,
          (await ctx.db.select().from(schema.imports).where(eq(schema.imports.userId, ctx.userId)))[0]!.id,
        );
    });
    // The Cancel is read with the next batch's progress write: the import stops there, all rolled back.
    expect(seen).toEqual([100, 200, 300]);
    expect(result.status).toBe("cancelled");
    expect(await liveClients(ctx)).toEqual([]);
  });

  it("places imported clients at the end of the first stage, positions unique", async () => {
    const ctx = await owner();
    await createClient(ctx, { firstName: "Already" });
    await importFile(
      ctx,
      bigCsv(150, (i) => `S${i},Stage,s${i}@example.com,Co`),
    );
    const rows = await liveClients(ctx);
    const positions = rows.map((r) => r.position).sort((a, b) => a! - b!);
    expect(positions).toEqual(Array.from({ length: 151 }, (_, i) => i));
  });
});
