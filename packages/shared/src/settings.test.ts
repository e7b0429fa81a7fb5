import { describe, expect, it } from "vitest";
import { settingsUpdateInput } from "./settings";

describe("settings schema", () => {
  it("normalises the phone region and refuses unknown ones", () => {
    expect(settingsUpdateInput.parse({ phoneRegion: "de" })).toEqual({ phoneRegion: "DE" });
    expect(settingsUpdateInput.safeParse({ phoneRegion: "XX" }).success).toBe(false);
    expect(settingsUpdateInput.safeParse({}).success).toBe(false);
  });

  it("refuses a NUL character in the name, naming the field", () => {
    const result = settingsUpdateInput.safeParse({ name: "Ada\u0000" });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ["name"], message: "Must not contain NUL characters" }),
    ]);
  });
});
