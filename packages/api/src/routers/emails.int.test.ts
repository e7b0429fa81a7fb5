import { useTestDatabase } from "@crm/db/testing";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { signedInCaller } from "../signed-in.test-util";

const testDb = useTestDatabase();

async function signedIn() {
  return (await signedInCaller(testDb().db)).caller;
}

describe("emails.list cursors", () => {
  it("answers a cursor that does not decode to valid values with BAD_REQUEST 'Invalid cursor'", async () => {
    const caller = await signedIn();
    for (const cursor of ["garbage", "2026-02-01T00:00:00.000Z|not-a-uuid", "-200000-01-01T00:00:00.000Z|x"]) {
      const error = await caller.emails.list({ cursor }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, cursor).toBeInstanceOf(TRPCError);
      expect(error, cursor).toMatchObject({ code: "BAD_REQUEST", message: "Invalid cursor" });
    }
    expect(await caller.emails.list({})).toEqual({ items: [], nextCursor: null });
  });
});
