import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../testing";
import { writeBackup } from "./write";

const testDb = useTestDatabase();

describe("writeBackup", () => {
  it("reads a table spread over many pages range by range, every row exactly once, while rows keep coming", async () => {
    const { sql } = testDb();
    const [user] = await sql<{ id: string }[]>`
      insert into users (email, name, password_hash) values ('pages@example.com', 'P', 'x') returning id`;
    await sql`insert into clients (user_id, first_name, company)
      select ${user!.id}, 'Client ' || n, repeat('x', 200) from generate_series(1, 3000) n`;
    const [size] = await sql<{ pages: number }[]>`
      select (pg_relation_size('clients') / current_setting('block_size')::int)::int as pages`;
    expect(size?.pages).toBeGreaterThan(20);

    // One page per COPY, and a writer adding rows meanwhile: the snapshot holds exactly the 3,000.
    const backup = writeBackup(sql, mkdtempSync(path.join(tmpdir(), "crm-pages-")), new Date(), { pagesPerBatch: 1 });
    const other = testDb();
    await other.sql`insert into clients (user_id, first_name) select ${user!.id}, 'Later ' || n from generate_series(1, 500) n`;
    const result = await backup;
    expect(result.trailer.tables["public.clients"]?.rows).toBeGreaterThanOrEqual(3000);

    const text = gunzipSync(readFileSync(result.file)).toString("utf8").split("\n");
    const start = text.indexOf("TABLE public.clients");
    const end = text.indexOf("\\.", start);
    const rows = text.slice(start + 1, end);
    expect(rows).toHaveLength(result.trailer.tables["public.clients"]!.rows);
    const ids = rows.map((line) => line.split("\t")[0]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rows.filter((line) => line.includes("\tClient ")).length).toBe(3000);
  });
});
