import { createNote, ManualClock } from "@crm/core";
import { useTestDatabase } from "@crm/db/testing";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { createInnerContext } from "./context";
import { createCaller } from "./root";
import { signedInCaller } from "./signed-in.test-util";

const testDb = useTestDatabase();

const callerFor = () => signedInCaller(testDb().db);

async function expectNotFound(label: string, call: () => Promise<unknown>) {
  const error = await call().then(
    (value) => ({ leaked: value }),
    (e: unknown) => e,
  );
  expect(error, label).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code, label).toBe("NOT_FOUND");
}

describe("tenant isolation", () => {
  it("answers NOT_FOUND, never the data, for another user's ids on every procedure", async () => {
    const alice = await callerFor();
    const mallory = await callerFor();

    // Alice's data: a client with a note, a trashed client, her stages.
    const client = await alice.caller.clients.create({ firstName: "Secret", email: "secret@example.com" });
    const trashed = await alice.caller.clients.create({ firstName: "Trashed" });
    await alice.caller.clients.delete({ id: trashed.id });
    const note = await createNote({ ...alice.deps, userId: alice.user.id }, { clientId: client.id, body: "private" });
    const [stage] = await alice.caller.pipeline.stages();
    const [malloryStage] = await mallory.caller.pipeline.stages();
    const m = mallory.caller;

    await expectNotFound("clients.get", () => m.clients.get({ id: client.id }));
    await expectNotFound("clients.update", () =>
      m.clients.update({ id: client.id, version: client.version, firstName: "x" }),
    );
    await expectNotFound("clients.delete", () => m.clients.delete({ id: client.id }));
    await expectNotFound("clients.restore", () => m.clients.restore({ id: trashed.id }));
    await expectNotFound("clients.create in a foreign stage", () =>
      m.clients.create({ firstName: "x", stageId: stage!.id }),
    );
    await expectNotFound("notes.list", () => m.notes.list({ clientId: client.id }));
    await expectNotFound("notes.create", () => m.notes.create({ clientId: client.id, body: "x" }));
    await expectNotFound("notes.update", () => m.notes.update({ id: note.id, version: note.version, body: "x" }));
    await expectNotFound("notes.delete", () => m.notes.delete({ id: note.id }));
    await expectNotFound("pipeline.updateStage", () =>
      m.pipeline.updateStage({ id: stage!.id, version: stage!.version, name: "x" }),
    );
    await expectNotFound("pipeline.deleteStage", () => m.pipeline.deleteStage({ id: stage!.id }));
    await expectNotFound("pipeline.moveClient (foreign client)", () =>
      m.pipeline.moveClient({ clientId: client.id, stageId: malloryStage!.id, index: 0, version: client.version }),
    );
    const own = await m.clients.create({ firstName: "Own" });
    await expectNotFound("pipeline.moveClient (foreign stage)", () =>
      m.pipeline.moveClient({ clientId: own.id, stageId: stage!.id, index: 0, version: own.version }),
    );

    const slot = { startsAt: new Date("2026-03-10T15:00:00Z"), endsAt: new Date("2026-03-10T16:00:00Z") };
    const booking = await alice.caller.bookings.create({ clientId: client.id, title: "Private session", ...slot });
    await expectNotFound("bookings.get", () => m.bookings.get({ id: booking.id }));
    await expectNotFound("bookings.update", () =>
      m.bookings.update({ id: booking.id, version: booking.version, title: "x" }),
    );
    await expectNotFound("bookings.transition", () =>
      m.bookings.transition({ id: booking.id, version: booking.version, to: "confirmed" }),
    );
    await expectNotFound("bookings.delete", () => m.bookings.delete({ id: booking.id }));
    await expectNotFound("bookings.ics", () => m.bookings.ics({ id: booking.id }));
    await expectNotFound("bookings.forClient", () => m.bookings.forClient({ clientId: client.id }));
    await expectNotFound("bookings.create for a foreign client", () =>
      m.bookings.create({ clientId: client.id, title: "x", ...slot }),
    );
    await expectNotFound("calendarSync.dismissNotice", () => m.calendarSync.dismissNotice({ bookingId: booking.id }));
    await expectNotFound("privacy.exportClient", () => m.privacy.exportClient({ clientId: client.id }));
    // Another owner's bookings never block my slots nor show in my calendar.
    expect(
      await m.bookings.list({ from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-04-01T00:00:00Z") }),
    ).toEqual([]);
    expect((await m.bookings.checkSlot(slot)).available).toBe(true);
    await m.bookings.create({ clientId: own.id, title: "Mine", ...slot });

    // Lists never include Alice's rows.
    expect((await m.clients.list({})).items.map((c) => c.id)).toEqual([own.id]);
    expect((await m.clients.list({ query: "secret" })).items).toEqual([]);
    expect((await m.clients.trash({})).items).toEqual([]);
    expect(await m.clients.tags()).toEqual([]);
    expect((await m.activity.list({ entityId: client.id })).items).toEqual([]);
    expect((await m.activity.list({ clientId: client.id })).items).toEqual([]);
    const board = await m.pipeline.board();
    expect(board.stages.flatMap((s) => s.clients.map((c) => c.id))).toEqual([own.id]);
    expect(await m.calendarSync.status()).toMatchObject({ status: "not_connected", pending: 0, notices: [] });
    const reorder = await m.pipeline.reorderStages({ stageIds: [stage!.id] }).catch((e: TRPCError) => e);
    expect((reorder as TRPCError).code).toBe("BAD_REQUEST");

    // Alice's data is untouched.
    expect((await alice.caller.clients.get({ id: client.id })).firstName).toBe("Secret");
    expect((await alice.caller.notes.list({ clientId: client.id })).map((n) => n.body)).toEqual(["private"]);
    expect((await alice.caller.bookings.get({ id: booking.id })).title).toBe("Private session");
  });

  it("refuses every owner-scoped procedure without a session", async () => {
    const deps = { db: testDb().db, clock: new ManualClock(), appUrl: "http://localhost:3000" };
    const anonymous = createCaller(createInnerContext(deps));
    const error = await anonymous.clients.list({}).catch((e: TRPCError) => e);
    expect((error as TRPCError).code).toBe("UNAUTHORIZED");
  });
});
