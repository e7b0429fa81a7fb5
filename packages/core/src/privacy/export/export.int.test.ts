import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createClient } from "../../clients/clients";
import type { AuthedContext } from "../../context";
import { generateDataKey } from "../../crypto/data-key";
import { DomainError } from "../../errors";
import { newOwner, recordingQueue, seedAccount } from "./export-fixture.test-util";
import { runAccountExport } from "./job";
import { EXPORT_KINDS } from "./kinds";
import { getExportStatus, latestExportStatus, openExportDownload, requestAccountExport } from "./status";
import { parseCsv, unzip } from "./unzip.test-util";

const testDb = useTestDatabase();
const owner = (clock?: Parameters<typeof newOwner>[1]) => newOwner(testDb().db, clock);

async function storedZip(ctx: AuthedContext, id: string): Promise<Buffer> {
  const rows = await ctx.db
    .select({ data: schema.accountExportChunks.data })
    .from(schema.accountExportChunks)
    .where(and(eq(schema.accountExportChunks.userId, ctx.userId), eq(schema.accountExportChunks.exportId, id)))
    .orderBy(asc(schema.accountExportChunks.seq));
  return Buffer.concat(rows.map((r) => r.data));
}

const json = (files: Map<string, Buffer>, name: string) => JSON.parse(files.get(name)!.toString("utf8"));
const csv = (files: Map<string, Buffer>, name: string) => {
  const text = files.get(name)!.toString("utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  return parseCsv(text.slice(1));
};

/** A row as the database holds it, in the shape JSON gives back (dates as ISO strings). */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

async function exportNow(ctx: AuthedContext) {
  const { id } = await requestAccountExport(ctx);
  // Tiny batches and chunks: the walk crosses batch boundaries and the zip spans many chunks.
  await runAccountExport(ctx, { userId: ctx.userId, exportId: id }, { batchSize: 2, chunkBytes: 1024 });
  return { id, files: unzip(await storedZip(ctx, id)) };
}

describe("account export", () => {
  it("holds every record of the account as JSON and CSV, equal to the database", async () => {
    const ctx = await owner();
    const seeded = await seedAccount(ctx);
    const other = await owner(ctx.clock);
    await createClient(other, { firstName: "Otto", lastName: "Otherowner", email: "otto@elsewhere.test" });

    const { id, files } = await exportNow(ctx);
    expect([...files.keys()].sort()).toEqual(
      ["README.txt", ...EXPORT_KINDS.flatMap((k) => [`${k.name}.json`, `${k.name}.csv`])].sort(),
    );

    // Clients: every one (Trash included), each field as stored except the derived search columns.
    const dbClients = await ctx.db.select().from(schema.clients).where(eq(schema.clients.userId, ctx.userId));
    const exportedClients = json(files, "clients.json") as Record<string, unknown>[];
    expect(exportedClients.map((c) => c.id).sort()).toEqual(dbClients.map((c) => c.id).sort());
    for (const row of dbClients) {
      const { search: _s, sortName: _n, phoneDigits: _p, ...fields } = row;
      expect(exportedClients.find((c) => c.id === row.id)).toEqual(asJson(fields));
    }
    const ada = exportedClients.find((c) => c.id === seeded.ada.id)!;
    expect(ada).toMatchObject({ consentBasis: "consent", consentSource: "Intake form", marketingConsent: true });
    expect(exportedClients.find((c) => c.id === seeded.gone.id)!.deletedAt).not.toBeNull();

    // Notes and booking notes come out decrypted.
    const notes = json(files, "notes.json") as { id: string; body: string }[];
    expect(new Map(notes.map((n) => [n.id, n.body]))).toEqual(
      new Map([
        [seeded.plainNote.id, "Plain note: prefers mornings"],
        [seeded.sealedNote.id, "Sealed note: anxiety, sleeps badly"],
      ]),
    );
    expect(notes[0]).not.toHaveProperty("keyVersion");
    const bookings = json(files, "bookings.json") as { id: string; notes: string }[];
    expect(bookings.map((b) => [b.id, b.notes])).toEqual([[seeded.booking.id, "Booking note: bring the intake form"]]);

    // The other kinds: the same rows as the database.
    const countOf = async (table: typeof schema.activityLogs | typeof schema.pipelineStages) =>
      (await ctx.db.select().from(table).where(eq(table.userId, ctx.userId))).length;
    expect((json(files, "activity.json") as unknown[]).length).toBe(await countOf(schema.activityLogs));
    expect((json(files, "activity.json") as unknown[]).length).toBeGreaterThan(3);
    const stages = await ctx.db
      .select()
      .from(schema.pipelineStages)
      .where(eq(schema.pipelineStages.userId, ctx.userId))
      .orderBy(asc(schema.pipelineStages.position));
    expect(json(files, "pipeline-stages.json")).toEqual(asJson(stages));
    const emails = await ctx.db.select().from(schema.emailMessages).where(eq(schema.emailMessages.userId, ctx.userId));
    expect((json(files, "emails.json") as { id: string }[]).map((e) => e.id).sort()).toEqual(
      emails.map((e) => e.id).sort(),
    );
    expect((json(files, "account-emails.json") as { toAddress: string }[]).map((e) => e.toAddress)).toContain(
      "owner@example.com",
    );
    expect(json(files, "imports.json")).toEqual([
      expect.objectContaining({
        filename: "old.csv",
        failures: [{ line: 3, values: ["x"], reason: "Enter a name or an email" }],
      }),
    ]);
    expect(json(files, "google-connection.json")).toEqual([
      expect.objectContaining({ accountEmail: "owner@gmail.com", status: "connected" }),
    ]);
    // Every other kind, row for row and field for field: what the table holds, minus only the
    // columns left out on purpose (sealed text compared decrypted above).
    const leftOut: Record<string, string[]> = {
      bookings: ["notesKeyVersion", "notes"],
      imports: ["content", "cancelRequested", "heartbeatAt", "runPid", "runXactStart"],
      "google-connection": [
        "accessTokenEnc",
        "refreshTokenEnc",
        "syncToken",
        "channelId",
        "channelResourceId",
        "channelToken",
        "leaseOwner",
        "leaseUntil",
      ],
    };
    const tables = {
      activity: schema.activityLogs,
      emails: schema.emailMessages,
      "account-emails": schema.accountEmails,
      imports: schema.imports,
      "google-connection": schema.calendarConnections,
      bookings: schema.bookings,
    } as const;
    for (const [name, table] of Object.entries(tables)) {
      const stored = (await ctx.db.select().from(table).where(eq(table.userId, ctx.userId))) as Record<
        string,
        unknown
      >[];
      const expected = stored.map((row) => {
        const kept = { ...row };
        for (const column of leftOut[name] ?? []) delete kept[column];
        return asJson(kept);
      });
      const exported = (json(files, `${name}.json`) as Record<string, unknown>[]).map((row) => {
        const kept = { ...row };
        if (name === "bookings") delete kept.notes;
        return kept;
      });
      const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.id).localeCompare(String(b.id));
      expect(exported.sort(byId), name).toEqual(expected.sort(byId));
      expect(exported.length, name).toBeGreaterThan(0);
      // The CSV holds the same rows.
      expect(csv(files, `${name}.csv`).length - 1, name).toBe(stored.length);
    }

    const profile = json(files, "profile.json");
    expect(profile).toMatchObject({ id: ctx.userId, name: "Owner One" });

    // Secrets, raw uploads and the other owner's data appear in no file.
    const everything = [...files.values()].map((b) => b.toString("utf8")).join("\n");
    for (const secret of [
      "ACCESS-TOKEN-SECRET",
      "REFRESH-TOKEN-SECRET",
      "SYNC-TOKEN-SECRET",
      "RAW-CSV-BYTES-NOT-EXPORTED",
      "passwordHash",
      "Otherowner",
      "otto@elsewhere.test",
      other.userId,
    ]) {
      expect(everything).not.toContain(secret);
    }

    // CSV: the same rows, quoted, formulas defused.
    const clientRows = csv(files, "clients.csv");
    const headers = clientRows[0]!;
    expect(headers).toEqual(Object.keys(exportedClients[0]!));
    expect(clientRows.length - 1).toBe(dbClients.length);
    const formulaRow = clientRows.find((r) => r[headers.indexOf("id")] === seeded.formula.id)!;
    expect(formulaRow[headers.indexOf("firstName")]).toBe('\'=HYPERLINK("http://evil")');
    expect(formulaRow[headers.indexOf("lastName")]).toBe('Smith, "Jr"');
    const adaRow = clientRows.find((r) => r[headers.indexOf("id")] === seeded.ada.id)!;
    expect(adaRow[headers.indexOf("phone")]).toBe("'+4915112345678");
    expect(adaRow[headers.indexOf("tags")]).toBe("vip; math");
    const noteRows = csv(files, "notes.csv");
    expect(noteRows.map((r) => r[noteRows[0]!.indexOf("body")])).toContain("Sealed note: anxiety, sleeps badly");

    const status = await getExportStatus(ctx, id);
    expect(status).toMatchObject({ status: "ready", progress: 100, downloadUrl: `/api/v1/exports/${id}` });
    expect(status.bytes).toBe((await storedZip(ctx, id)).length);
    expect(status.expiresAt.toISOString()).toBe("2026-03-02T09:00:00.000Z");
  });

  it("enqueues its job with the row, reuses a running export, and reruns cleanly", async () => {
    const { queue, sent } = recordingQueue();
    const ctx = { ...(await owner()), jobs: queue };
    await seedAccount(ctx);
    const { id } = await requestAccountExport(ctx);
    const exportJobs = () => sent.filter((j) => j.name === "privacy.export-account");
    expect(exportJobs()).toEqual([{ name: "privacy.export-account", payload: { userId: ctx.userId, exportId: id } }]);
    expect(await getExportStatus(ctx, id)).toMatchObject({ status: "queued", progress: 0, downloadUrl: null });
    expect(await requestAccountExport(ctx)).toEqual({ id });
    expect(exportJobs()).toHaveLength(1);

    await runAccountExport(ctx, { userId: ctx.userId, exportId: id }, { chunkBytes: 512 });
    const first = await storedZip(ctx, id);
    // A leftover chunk of a crashed attempt must not survive the rerun.
    await ctx.db
      .insert(schema.accountExportChunks)
      .values({ userId: ctx.userId, exportId: id, seq: 9999, data: Buffer.from("stale") });
    await runAccountExport(ctx, { userId: ctx.userId, exportId: id }, { chunkBytes: 512 });
    const second = await storedZip(ctx, id);
    expect(second.equals(first)).toBe(true);
    expect(await getExportStatus(ctx, id)).toMatchObject({ status: "ready", bytes: first.length });
    expect((await latestExportStatus(ctx))?.id).toBe(id);
  });

  it("answers NOT_FOUND for another owner's export and expires the link after 24 hours", async () => {
    const ctx = await owner();
    const { id } = await requestAccountExport(ctx);
    await runAccountExport(ctx, { userId: ctx.userId, exportId: id });
    const other = await owner(ctx.clock);
    await expect(getExportStatus(other, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(openExportDownload(other, id)).rejects.toBeInstanceOf(DomainError);

    ctx.clock.advance(24 * 60 * 60 * 1000 - 1000);
    expect((await openExportDownload(ctx, id)).kind).toBe("ready");
    ctx.clock.advance(2000);
    expect(await getExportStatus(ctx, id)).toMatchObject({ status: "expired", downloadUrl: null });
    expect((await openExportDownload(ctx, id)).kind).toBe("expired");
  });

  it("fails honestly when a sealed note cannot be opened, leaving no chunks", async () => {
    const ctx = await owner();
    await seedAccount(ctx);
    const { id } = await requestAccountExport(ctx);
    const wrongKey = { ...ctx, dataKeys: { current: { version: 1, key: generateDataKey() } } };
    await expect(runAccountExport(wrongKey, { userId: ctx.userId, exportId: id })).rejects.toThrow();
    const status = await getExportStatus(ctx, id);
    expect(status.status).toBe("failed");
    expect(status.error).toMatch(/could not be decrypted/);
    expect(await storedZip(ctx, id)).toHaveLength(0);
  });
});
