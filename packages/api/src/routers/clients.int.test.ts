import { useTestDatabase } from "@crm/db/testing";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { signedInCaller } from "../signed-in.test-util";

const testDb = useTestDatabase();

async function signedIn() {
  return (await signedInCaller(testDb().db)).caller;
}

const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const ID = "6f1c1d9e-8a51-4c7e-9a4e-0d5b2b7f3c11";

/** Cursors a client could send: none of them decodes to values the query can use. */
const forgedListCursors: [label: string, sort: "name" | "created" | "-updated" | "status", cursor: string][] = [
  ["bad base64", "name", "garbage!*%"],
  ["base64 of no JSON", "name", Buffer.from("not json").toString("base64url")],
  ["an object", "name", forge({ sort: "name", values: ["a", ID] })],
  ["too few keys", "name", forge(["name", "ada"])],
  ["too many keys", "name", forge(["name", "ada", ID, "x"])],
  ["a non-uuid id", "name", forge(["name", "ada", "not-a-uuid"])],
  ["a NUL in the name", "name", forge(["name", "a\u0000b", ID])],
  ["a number key", "name", forge(["name", 1e308, ID])],
  ["an impossible date", "created", forge(["created", "2026-02-30 10:00:00+00", ID])],
  ["a date out of range", "created", forge(["created", "99999999-01-01 00:00:00+00", ID])],
  ["a date that is not one", "-updated", forge(["-updated", "yesterday", ID])],
  ["an unknown status", "status", forge(["status", "bogus", "ada", ID])],
  ["another sort's cursor", "name", forge(["created", "2026-03-01 09:00:00+00", ID])],
];

async function codeOf(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return { code: (error as TRPCError).code, message: (error as TRPCError).message };
}

describe("clients: forged cursors", () => {
  it("answers BAD_REQUEST 'Invalid cursor' on clients.list, never an internal error", async () => {
    const caller = await signedIn();
    for (const [label, sort, cursor] of forgedListCursors) {
      expect(await codeOf(caller.clients.list({ sort, cursor })), label).toEqual({
        code: "BAD_REQUEST",
        message: "Invalid cursor",
      });
    }
  });

  it("answers BAD_REQUEST on a search page with a forged offset", async () => {
    const caller = await signedIn();
    for (const cursor of [forge(["search", "1e400"]), forge(["search", "-5"]), forge(["search", "99999999999"])]) {
      expect(await codeOf(caller.clients.list({ query: "ada", cursor })), cursor).toMatchObject({
        code: "BAD_REQUEST",
      });
    }
  });

  it("answers BAD_REQUEST on clients.trash", async () => {
    const caller = await signedIn();
    for (const cursor of [
      "garbage!*%",
      forge(["trash", "yesterday", ID]),
      forge(["trash", "2026-13-01 00:00:00+00", ID]),
      forge(["trash", "2026-03-01 09:00:00+00", "x"]),
      forge(["trash"]),
    ]) {
      expect(await codeOf(caller.clients.trash({ cursor })), cursor).toEqual({
        code: "BAD_REQUEST",
        message: "Invalid cursor",
      });
    }
  });

  it("still pages with the cursors it hands out", async () => {
    const caller = await signedIn();
    for (let i = 0; i < 3; i++) {
      const client = await caller.clients.create({ firstName: `Ada ${i}`, email: `ada${i}@example.com` });
      await caller.clients.delete({ id: client.id });
      await caller.clients.create({ firstName: `Bob ${i}` });
    }
    for (const sort of ["name", "-created", "updated", "-status"] as const) {
      const first = await caller.clients.list({ sort, limit: 2 });
      const second = await caller.clients.list({ sort, limit: 2, cursor: first.nextCursor });
      expect(second.items, sort).toHaveLength(1);
    }
  });
});
