import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { downFile, readDownStatements, readJournal } from "./migrate-down";

describe("down migrations", () => {
  it("exist for every migration in the journal, each with at least one statement", () => {
    const journal = readJournal();
    expect(journal.length).toBeGreaterThan(10);
    for (const entry of journal) {
      expect(existsSync(downFile(entry.tag)), `${entry.tag} needs migrations/down/${entry.tag}.sql`).toBe(true);
      expect(readDownStatements(entry.tag).length).toBeGreaterThan(0);
    }
  });
});
