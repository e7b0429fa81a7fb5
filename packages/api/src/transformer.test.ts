import fc from "fast-check";
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { serialize, transformer } from "./transformer";

const clientRow = (i: number) => ({
  id: `00000000-0000-4000-8000-00000000000${i}`,
  firstName: "Ada",
  lastName: null,
  email: undefined,
  tags: ["vip", "a.b", "back\\slash"],
  version: i,
  createdAt: new Date(Date.UTC(2026, 0, i + 1)),
  "dotted.key": { "inner\\key": new Date(0) },
});

describe("response transformer", () => {
  it("writes exactly what superjson writes for plain values, Dates and undefined", () => {
    const samples: unknown[] = [
      null,
      undefined,
      "text",
      0,
      -1.5,
      true,
      new Date("2026-11-25T10:00:00Z"),
      [],
      {},
      [undefined, null, new Date(1)],
      { items: [clientRow(1), clientRow(2)], nextCursor: null },
      { nested: { deeper: [{ at: new Date(2) }] } },
    ];
    for (const sample of samples) expect(serialize(sample)).toEqual(superjson.serialize(sample));
  });

  it("leaves Maps, Sets, BigInts, NaN, class instances and cycles to superjson", () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const samples: unknown[] = [
      new Map([["a", 1]]),
      { set: new Set([1, 2]) },
      { big: 10n },
      { nan: Number.NaN, inf: Number.POSITIVE_INFINITY },
      { negativeZero: -0 },
      { money: new Money(5) },
      { invalid: new Date("nope") },
      cyclic,
    ];
    for (const sample of samples) expect(serialize(sample)).toEqual(superjson.serialize(sample));
  });

  it("matches superjson and round-trips through its decoder for any JSON-like value with Dates", () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }),
    );
    // superjson refuses these keys outright (prototype pollution); so does the fallback.
    const key = fc.string().filter((k) => !["__proto__", "constructor", "prototype"].includes(k));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node")), fc.dictionary(key, tie("node"))),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(serialize(v)).toEqual(superjson.serialize(v));
        const encoded = JSON.parse(JSON.stringify(serialize(v)));
        expect(transformer.deserialize(encoded)).toEqual(
          superjson.deserialize(JSON.parse(JSON.stringify(superjson.serialize(v)))),
        );
      }),
      { seed: 20261125, numRuns: 500 },
    );
  });
});
