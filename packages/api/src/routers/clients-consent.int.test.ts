import { useTestDatabase } from "@crm/db/testing";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { ZodError } from "zod";
import { signedInCaller } from "../signed-in.test-util";

const testDb = useTestDatabase();

async function rejection(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("clients router: consent", () => {
  it("answers BAD_REQUEST naming the consent field, from the schema and from the clock check", async () => {
    const { caller } = await signedInCaller(testDb().db);
    const long = await rejection(
      caller.clients.create({ firstName: "Ada", consent: { basis: "consent", source: "x".repeat(501) } }),
    );
    expect(long.code).toBe("BAD_REQUEST");
    // The schema's answer (the error formatter turns its first issue into message and field).
    expect((long.cause as ZodError).issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["consent.source", "Consent source must be at most 500 characters"],
    ]);
    const client = await caller.clients.create({ firstName: "Ada" });
    const future = await rejection(
      caller.clients.update({
        id: client.id,
        version: client.version,
        consent: { basis: "consent", givenAt: new Date("2027-01-01T00:00:00Z") },
      }),
    );
    expect(future.code).toBe("BAD_REQUEST");
    expect(future.message).toBe("Consent date cannot be in the future");
    expect((future.cause as { field?: string }).field).toBe("consent.givenAt");
  });

  it("returns consent on get and on list items, and filters by it", async () => {
    const { caller } = await signedInCaller(testDb().db);
    const client = await caller.clients.create({
      firstName: "Ada",
      consent: { basis: "legal_obligation", marketing: true },
    });
    const expected = {
      basis: "legal_obligation",
      givenAt: null,
      source: null,
      marketing: true,
      marketingAt: new Date("2026-03-01T09:00:00Z"),
    };
    expect((await caller.clients.get({ id: client.id })).consent).toEqual(expected);
    const list = await caller.clients.list({ consent: "legal_obligation", marketing: true });
    expect(list.items.map((c) => c.consent)).toEqual([expected]);
    expect((await caller.clients.list({ consent: "none" })).items).toEqual([]);
  });
});
