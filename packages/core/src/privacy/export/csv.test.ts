import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./csv";

describe("CSV cells", () => {
  it.each([
    ["plain", "plain"],
    ["a, b", '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=1+2", "'=1+2"],
    ["+4915112345678", "'+4915112345678"],
    ["-2", "'-2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tindented", "'\tindented"],
    ['=HYPERLINK("x", "y")', `"'=HYPERLINK(""x"", ""y"")"`],
    ["café ☕", "café ☕"],
  ])("writes %j as %s", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("keeps numbers as numbers, dates as ISO, lists joined, objects as JSON, null empty", () => {
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(new Date("2026-03-01T09:00:00Z"))).toBe("2026-03-01T09:00:00.000Z");
    expect(csvCell(["vip", "=x"])).toBe("vip; =x");
    expect(csvCell(["=x", "vip"])).toBe("'=x; vip");
    expect(csvCell({ before: 1, after: 2 })).toBe('"{""before"":1,""after"":2}"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(false)).toBe("false");
    expect(csvLine(["a", null, 1])).toBe("a,,1\r\n");
  });
});
