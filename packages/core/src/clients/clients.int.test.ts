import { schema } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listActivity } from "../activity/activity";
import { DomainError } from "../errors";
import { createNote, listNotes } from "../notes/notes";
import { listStages } from "../pipeline/stages";
import { ManualClock } from "../ports";
import { updateSettings } from "../settings/settings";
import { createTestUser, testDataKeys } from "../testing";
import { createClient, deleteClient, getClient, restoreClient, updateClient } from "./clients";
import { listClients } from "./list";
import { listTrash, purgeDeletedClients } from "./trash";

const testDb = useTestDatabase();
const DAY = 24 * 60 * 60 * 1000;

async function owner(timeZone = "America/New_York") {
  const clock = new ManualClock("2026-03-01T09:00:00Z");
  const base = { db: testDb().db, clock, dataKeys: testDataKeys };
  const user = await createTestUser(base, { timeZone });
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

describe("clients: create and validate", () => {
  it("stores the phone as E.164 from a national number in the user's region", async () => {
    const ctx = await owner();
    const client = await createClient(ctx, { firstName: "Ada", lastName: "Lovelace", phone: "(415) 555-2671" });
    expect(client.phone).toBe("+14155552671");
    expect(client.name).toBe("Ada Lovelace");
    await updateSettings(ctx, { phoneRegion: "DE" });
    const german = await createClient(ctx, { firstName: "Grace", phone: "030 901820" });
    expect(german.phone).toBe("+4930901820");
  });

  it("refuses an impossible phone number, a client with neither name nor email, and bad email", async () => {
    const ctx = await owner();
    expect(await failure(createClient(ctx, { firstName: "X", phone: "12" }))).toMatchObject({
      code: "VALIDATION",
      field: "phone",
    });
    expect(await failure(createClient(ctx, { company: "Acme" }))).toMatchObject({
      code: "VALIDATION",
      field: "firstName",
    });
    expect(await failure(createClient(ctx, { firstName: "X", email: "nope" }))).toMatchObject({
      code: "VALIDATION",
      field: "email",
    });
    const [row] = await ctx.db
      .select({ n: schema.clients.id })
      .from(schema.clients)
      .where(eq(schema.clients.userId, ctx.userId));
    expect(row).toBeUndefined();
  });

  it("puts a new client at the end of the first stage", async () => {
    const ctx = await owner();
    const [lead] = await listStages(ctx);
    const a = await createClient(ctx, { firstName: "A" });
    const b = await createClient(ctx, { firstName: "B" });
    expect([a.stageId, a.position, b.stageId, b.position]).toEqual([lead!.id, 0, lead!.id, 1]);
    const outside = await createClient(ctx, { firstName: "C", stageId: null });
    expect([outside.stageId, outside.position]).toEqual([null, null]);
  });
});

describe("clients: duplicates", () => {
  it("refuses an email that differs only in case, naming the existing client", async () => {
    const ctx = await owner();
    const ada = await createClient(ctx, { firstName: "Ada", email: "ada@example.com" });
    const error = await failure(createClient(ctx, { firstName: "Other", email: "ADA@Example.COM" }));
    expect(error).toMatchObject({ code: "DUPLICATE", field: "email", details: { clientId: ada.id, name: "Ada" } });
    const bob = await createClient(ctx, { firstName: "Bob", email: "bob@example.com" });
    const edit = await failure(updateClient(ctx, { id: bob.id, version: bob.version, email: "Ada@example.com" }));
    expect(edit).toMatchObject({ code: "DUPLICATE", details: { clientId: ada.id } });
  });

  it("lets two owners have the same email, and frees it when a client goes to Trash", async () => {
    const ctx = await owner();
    const other = await owner();
    await createClient(ctx, { firstName: "A", email: "same@example.com" });
    await createClient(other, { firstName: "B", email: "same@example.com" });
    const first = await createClient(ctx, { firstName: "C", email: "free@example.com" });
    await deleteClient(ctx, first.id);
    const second = await createClient(ctx, { firstName: "D", email: "free@example.com" });
    // Restoring the first would make two live clients with one email: refused, naming the second.
    expect(await failure(restoreClient(ctx, first.id))).toMatchObject({
      code: "DUPLICATE",
      details: { clientId: second.id },
    });
  });

  it("lets exactly one of racing creates with the same email through", async () => {
    const ctx = await owner();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => createClient(ctx, { firstName: `R${i}`, email: "race@example.com" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "DUPLICATE" });
    }
  });
});

describe("clients: optimistic locking", () => {
  it("refuses an update with a stale version and keeps the newer data", async () => {
    const ctx = await owner();
    const client = await createClient(ctx, { firstName: "Ada" });
    const first = await updateClient(ctx, { id: client.id, version: client.version, company: "Analytical Engines" });
    expect(first.version).toBe(client.version + 1);
    const stale = await failure(updateClient(ctx, { id: client.id, version: client.version, company: "Other" }));
    expect(stale).toMatchObject({ code: "STALE_VERSION", message: "Record was modified. Refresh and retry." });
    expect((await getClient(ctx, client.id)).company).toBe("Analytical Engines");
  });
});

describe("clients: list", () => {
  it("pages 45+ clients with keyset cursors, stable while others insert", async () => {
    const ctx = await owner();
    const names = Array.from({ length: 47 }, (_, i) => `Person ${String(i).padStart(2, "0")}`);
    for (const name of names) {
      ctx.clock.advance(1000);
      await createClient(ctx, { firstName: name, lastName: "Page" });
    }
    for (const sort of ["name", "-name", "created", "-created", "updated", "-updated", "status", "-status"] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let page = 0;
      do {
        const result: Awaited<ReturnType<typeof listClients>> = await listClients(ctx, { sort, limit: 10, cursor });
        seen.push(...result.items.map((c) => c.firstName!));
        cursor = result.nextCursor;
        // Others add clients while we page: some sort before the cursor, some after.
        ctx.clock.advance(1000);
        await createClient(ctx, { firstName: `Aaa inserted ${sort} ${page}`, lastName: "Page" });
        await createClient(ctx, { firstName: `Zzz inserted ${sort} ${page}`, lastName: "Page" });
        page++;
      } while (cursor);
      const originals = seen.filter((n) => n.startsWith("Person"));
      expect(new Set(seen).size).toBe(seen.length); // no duplicates
      expect(originals.sort()).toEqual([...names].sort()); // no gaps
    }
  });

  it("orders by name both ways and filters by status, stage and tag", async () => {
    const ctx = await owner();
    const stages = await listStages(ctx);
    await createClient(ctx, { firstName: "Cleo", lastName: "Zed", status: "inactive", tags: ["VIP"] });
    await createClient(ctx, { firstName: "Ann", lastName: "Able", stageId: stages[2]!.id, tags: ["vip", "yoga"] });
    await createClient(ctx, { firstName: "Ben", lastName: "Marr", status: "archived" });
    const asc = await listClients(ctx, { sort: "name" });
    expect(asc.items.map((c) => c.lastName)).toEqual(["Able", "Marr", "Zed"]);
    const desc = await listClients(ctx, { sort: "-name" });
    expect(desc.items.map((c) => c.lastName)).toEqual(["Zed", "Marr", "Able"]);
    expect((await listClients(ctx, { status: "inactive" })).items.map((c) => c.firstName)).toEqual(["Cleo"]);
    expect((await listClients(ctx, { stageId: stages[2]!.id })).items.map((c) => c.firstName)).toEqual(["Ann"]);
    expect((await listClients(ctx, { tag: "VIP" })).items.map((c) => c.firstName).sort()).toEqual(["Ann", "Cleo"]);
  });

  it("refuses a cursor from another sort or a forged one", async () => {
    const ctx = await owner();
    for (let i = 0; i < 3; i++) await createClient(ctx, { firstName: `C${i}` });
    const first = await listClients(ctx, { sort: "name", limit: 1 });
    expect(await failure(listClients(ctx, { sort: "created", cursor: first.nextCursor }))).toMatchObject({
      field: "cursor",
    });
    expect(await failure(listClients(ctx, { cursor: "garbage!" }))).toMatchObject({ field: "cursor" });
  });
});

describe("clients: search", () => {
  it("finds a client by any spelling of the phone number", async () => {
    const ctx = await owner();
    const target = await createClient(ctx, { firstName: "Phone", lastName: "Person", phone: "+1 415 555 2671" });
    await createClient(ctx, { firstName: "Other", phone: "+1 212 555 0100" });
    for (const query of ["415-555-2671", "(415) 555 2671", "4155552671", "+1 415 555 2671", "555-2671"]) {
      const result = await listClients(ctx, { query });
      expect(
        result.items.map((c) => c.id),
        query,
      ).toEqual([target.id]);
    }
  });

  it("matches prefixes as you type, tolerates a typo, and ranks the best match first", async () => {
    const ctx = await owner();
    const ada = await createClient(ctx, { firstName: "Ada", lastName: "Lovelace", company: "Analytical Engines" });
    await createClient(ctx, { firstName: "Alan", lastName: "Turing", email: "alan@bletchley.example" });
    await createClient(ctx, { firstName: "Adam", lastName: "Smith" });
    expect((await listClients(ctx, { query: "lovel" })).items.map((c) => c.id)).toEqual([ada.id]);
    expect((await listClients(ctx, { query: "ada lov" })).items.map((c) => c.id)).toEqual([ada.id]);
    expect((await listClients(ctx, { query: "lovelase" })).items.map((c) => c.id)).toEqual([ada.id]);
    expect((await listClients(ctx, { query: "analyt" })).items[0]!.id).toBe(ada.id);
    expect((await listClients(ctx, { query: "bletchley" })).items.map((c) => c.firstName)).toEqual(["Alan"]);
    const ad = await listClients(ctx, { query: "ada" });
    expect(ad.items[0]!.id).toBe(ada.id);
  });

  it("lists what starts with the term first, then near misses, page after page without repeats", async () => {
    const ctx = await owner();
    const smith = await createClient(ctx, { firstName: "Jo", lastName: "Smith" });
    const smithson = await createClient(ctx, { firstName: "Al", lastName: "Smithson" });
    const smitt = await createClient(ctx, { firstName: "Bo", lastName: "Smitt" });
    await createClient(ctx, { firstName: "Cy", lastName: "Jones" });
    expect((await listClients(ctx, { query: "smith" })).items.map((c) => c.id)).toEqual([
      smith.id,
      smithson.id,
      smitt.id,
    ]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listClients(ctx, { query: "smith", limit: 1, cursor });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([smith.id, smithson.id, smitt.id]);
    // Page size 2: the first page is all exact matches; the near miss opens the second.
    const first = await listClients(ctx, { query: "smith", limit: 2 });
    expect(first.items.map((c) => c.id)).toEqual([smith.id, smithson.id]);
    const second = await listClients(ctx, { query: "smith", limit: 2, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: smitt.id })], nextCursor: null });
  });

  it("tolerates typos from four characters on; shorter terms match by prefix only", async () => {
    const ctx = await owner();
    const smart = await createClient(ctx, { firstName: "Kim", lastName: "Smart" });
    expect((await listClients(ctx, { query: "smi" })).items).toEqual([]);
    expect((await listClients(ctx, { query: "sma" })).items.map((c) => c.id)).toEqual([smart.id]);
    expect((await listClients(ctx, { query: "smaet" })).items.map((c) => c.id)).toEqual([smart.id]);
  });

  it("tolerates a typo in an email's local part, not in its domain", async () => {
    const ctx = await owner();
    const emailOnly = await createClient(ctx, { email: "bernadette@studio.example" });
    expect((await listClients(ctx, { query: "bernadete" })).items.map((c) => c.id)).toEqual([emailOnly.id]);
    expect((await listClients(ctx, { query: "studi" })).items.map((c) => c.id)).toEqual([emailOnly.id]);
    expect((await listClients(ctx, { query: "stuido" })).items).toEqual([]);
  });

  it("never shows deleted clients or another owner's", async () => {
    const ctx = await owner();
    const other = await owner();
    await createClient(other, { firstName: "Hidden", lastName: "Elsewhere" });
    const gone = await createClient(ctx, { firstName: "Hidden", lastName: "Trashed" });
    await deleteClient(ctx, gone.id);
    expect((await listClients(ctx, { query: "hidden" })).items).toEqual([]);
    expect((await listClients(ctx, {})).items).toEqual([]);
  });
});

describe("clients: trash", () => {
  it("deletes softly with notes, restores, and purges after the retention", async () => {
    const ctx = await owner();
    const client = await createClient(ctx, { firstName: "Trash", email: "t@example.com" });
    await createNote(ctx, { clientId: client.id, body: "first meeting" });
    await deleteClient(ctx, client.id);
    expect(await failure(getClient(ctx, client.id))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failure(listNotes(ctx, { clientId: client.id }))).toMatchObject({ code: "NOT_FOUND" });
    const trash = await listTrash(ctx, {});
    expect(trash.items.map((c) => c.id)).toEqual([client.id]);
    expect(trash.items[0]!.purgeAt.getTime() - trash.items[0]!.deletedAt!.getTime()).toBe(90 * DAY);

    const restored = await restoreClient(ctx, client.id);
    expect(restored.deletedAt).toBeNull();
    expect((await listNotes(ctx, { clientId: client.id })).map((n) => n.body)).toEqual(["first meeting"]);

    await deleteClient(ctx, client.id);
    ctx.clock.advance(89 * DAY);
    expect(await purgeDeletedClients(ctx)).toBe(0);
    ctx.clock.advance(2 * DAY);
    expect(await failure(restoreClient(ctx, client.id))).toMatchObject({ code: "NOT_FOUND" });
    // The purge is global (a system job): other tests' trashed clients may go with it.
    expect(await purgeDeletedClients(ctx)).toBeGreaterThanOrEqual(1);
    expect(await ctx.db.select().from(schema.clients).where(eq(schema.clients.id, client.id))).toEqual([]);
    const left = await ctx.db.select().from(schema.clientNotes).where(eq(schema.clientNotes.clientId, client.id));
    expect(left).toEqual([]);
  });

  it("closes the gap in the stage and puts a restored client at the end", async () => {
    const ctx = await owner();
    const [a, b, c] = [
      await createClient(ctx, { firstName: "A" }),
      await createClient(ctx, { firstName: "B" }),
      await createClient(ctx, { firstName: "C" }),
    ];
    await deleteClient(ctx, a.id);
    const positions = async () =>
      (
        await ctx.db
          .select({ name: schema.clients.firstName, position: schema.clients.position })
          .from(schema.clients)
          .where(and(eq(schema.clients.userId, ctx.userId)))
      )
        .filter((r) => r.position !== null)
        .sort((x, y) => x.position! - y.position!)
        .map((r) => `${r.name}${r.position}`);
    expect(await positions()).toEqual(["B0", "C1"]);
    await restoreClient(ctx, a.id);
    expect(await positions()).toEqual(["B0", "C1", "A2"]);
    expect([b.id, c.id]).toHaveLength(2);
  });
});

describe("clients: activity log", () => {
  it("records create, update (before/after), delete and restore", async () => {
    const ctx = await owner();
    const client = await createClient(ctx, { firstName: "Log", company: "Old Co" });
    await updateClient(ctx, { id: client.id, version: client.version, company: "New Co", status: "inactive" });
    await deleteClient(ctx, client.id);
    await restoreClient(ctx, client.id);
    const { items } = await listActivity(ctx, { entityType: "client", entityId: client.id });
    expect(items.map((i) => i.action)).toEqual(["restored", "deleted", "updated", "created"]);
    expect(items[2]!.changes).toEqual({
      company: { before: "Old Co", after: "New Co" },
      status: { before: "active", after: "inactive" },
    });
    expect(items[3]!.changes).toMatchObject({ firstName: { before: null, after: "Log" } });
    expect(items.every((i) => i.actorId === ctx.userId)).toBe(true);
    expect(items.every((i) => i.booking === null)).toBe(true);
  });
});
