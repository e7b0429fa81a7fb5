import { useTestDatabase } from "@crm/db/testing";
import { describe, expect, it } from "vitest";
import { signedInCaller } from "../signed-in.test-util";

const testDb = useTestDatabase();
const UNKNOWN = "6f1c1d9e-8a51-4c7e-9a4e-0d5b2b7f3c11";

describe("privacy export procedures", () => {
  it("exports one client as JSON for its owner, and nothing for anyone else", async () => {
    const { caller } = await signedInCaller(testDb().db);
    const { caller: stranger } = await signedInCaller(testDb().db);
    const client = await caller.clients.create({ firstName: "Grace", lastName: "Hopper", email: "grace@example.com" });
    await caller.notes.create({ clientId: client.id, body: "Met at the conference" });

    const data = await caller.privacy.exportClient({ clientId: client.id });
    expect(data.client).toMatchObject({ id: client.id, firstName: "Grace", email: "grace@example.com" });
    expect(data.notes.map((n) => n.body)).toEqual(["Met at the conference"]);
    expect(data.exportedAt).toEqual(new Date("2026-03-01T09:00:00Z"));

    await expect(stranger.privacy.exportClient({ clientId: client.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.privacy.exportClient({ clientId: "nope" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("valid id"),
    });
  });

  it("answers NOT_FOUND for an export that is not the caller's, and null before any export", async () => {
    const { caller } = await signedInCaller(testDb().db);
    await expect(caller.privacy.exportStatus({ id: UNKNOWN })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await caller.privacy.latestExport()).toBeNull();
  });
});
