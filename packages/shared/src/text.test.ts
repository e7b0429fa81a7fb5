import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loginInput, signupInput } from "./auth";
import { findNulCharacter, text } from "./text";

describe("text()", () => {
  it("refuses a NUL character before any other rule, with one issue", () => {
    const schema = z.object({ title: text().trim().min(5, "Too short") });
    const result = schema.safeParse({ title: "a\u0000" });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ["title"], message: "Must not contain NUL characters" }),
    ]);
    expect(schema.parse({ title: "  long enough " })).toEqual({ title: "long enough" });
  });

  it("guards every text field of the account schemas", () => {
    const signup = { email: "ada@example.com", password: "long-enough-1", name: "Ada" };
    for (const field of ["email", "password", "name", "timeZone"] as const) {
      const result = signupInput.safeParse({ ...signup, [field]: "Europe/Berlin\u0000" });
      expect(result.error?.issues[0], field).toMatchObject({
        path: [field],
        message: "Must not contain NUL characters",
      });
    }
    const login = loginInput.safeParse({ email: "ada@example.com", password: "pass\u0000word" });
    expect(login.error?.issues[0]).toMatchObject({ path: ["password"] });
  });
});

describe("findNulCharacter", () => {
  it("answers the path of the first NUL in values and keys, or null", () => {
    expect(findNulCharacter({ a: "ok", b: [1, "x", { c: "y\u0000" }] })).toEqual(["b", 2, "c"]);
    expect(findNulCharacter({ mapping: { "col\u0000": "email" } })).toEqual(["mapping", "col\u0000"]);
    expect(findNulCharacter("\u0000")).toEqual([]);
    expect(findNulCharacter(new Map([["k", new Set(["a", "b\u0000"])]]))).toEqual(["k", 1]);
    expect(findNulCharacter({ at: new Date(), n: 1, ok: true, none: null, list: ["a", "b"] })).toBeNull();
  });
});
