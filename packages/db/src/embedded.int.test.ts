import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { startEmbeddedDatabase } from "./embedded";

describe("embedded PostgreSQL", () => {
  it("starts on a free port (never 5432), keeps data across restarts, and is shared while running", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "crm-embedded-")), "pg");
    const first = await startEmbeddedDatabase({ dataDir, database: "app" });
    try {
      expect(first.owned).toBe(true);
      expect(first.port).not.toBe(5432);
      const sql = postgres(first.url, { max: 1, onnotice: () => {} });
      await sql`create table kept (n int)`;
      await sql`insert into kept values (42)`;
      await sql.end();

      // A second process (the CLI) finds the running server through postmaster.pid and uses it.
      const second = await startEmbeddedDatabase({ dataDir, database: "app" });
      expect(second).toMatchObject({ owned: false, port: first.port, url: first.url });
      await second.stop(); // not its server: a no-op
      const still = postgres(first.url, { max: 1, onnotice: () => {} });
      expect(await still`select n from kept`).toEqual([{ n: 42 }]);
      await still.end();
    } finally {
      await first.stop();
    }
    const restarted = await startEmbeddedDatabase({ dataDir, database: "app", ephemeral: true });
    try {
      expect(restarted.owned).toBe(true);
      const sql = postgres(restarted.url, { max: 1, onnotice: () => {} });
      expect(await sql`select n from kept`).toEqual([{ n: 42 }]);
      await sql.end();
    } finally {
      await restarted.stop();
    }
  }, 120_000);
});
