import { createDb, type DbHandle } from "@crm/db";
import { useTestDatabase } from "@crm/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgErrorCode } from "./errors";
import { ManualClock } from "./ports";
import { inRetryingTransaction, inTransaction } from "./transaction";

const testDb = useTestDatabase();
let handle: DbHandle;
beforeAll(() => {
  handle = createDb(testDb().url, { max: 4, applicationName: "crm-retry" });
});
afterAll(async () => {
  await handle?.close();
});

const ctx = () => ({ db: handle.db, clock: new ManualClock() });
const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe("inRetryingTransaction", () => {
  it("runs a transaction aborted as a deadlock or serialization failure again, and its effects land once", async () => {
    await handle.db.execute(sql`create table retry_probe (n int)`);
    let attempts = 0;
    const result = await inRetryingTransaction(ctx(), async (tx) => {
      attempts++;
      await tx.db.execute(sql`insert into retry_probe values (${attempts})`);
      if (attempts === 1) throw pgError("40P01");
      if (attempts === 2) throw pgError("40001");
      return "done";
    });
    expect(result).toBe("done");
    expect(attempts).toBe(3);
    // The aborted attempts were rolled back: only the last one's row is there.
    expect(await handle.db.execute(sql`select n from retry_probe`)).toEqual([{ n: 3 }]);
  });

  it("gives up after a few attempts, and never retries other errors", async () => {
    let attempts = 0;
    const always = inRetryingTransaction(ctx(), async () => {
      attempts++;
      throw pgError("40P01");
    });
    await expect(always).rejects.toMatchObject({ code: "40P01" });
    expect(attempts).toBe(4);

    attempts = 0;
    const other = inRetryingTransaction(ctx(), async () => {
      attempts++;
      throw pgError("23505");
    });
    await expect(other).rejects.toMatchObject({ code: "23505" });
    expect(attempts).toBe(1);
  });

  it("does not retry a savepoint inside a caller's transaction: the caller's transaction owns the locks", async () => {
    let inner = 0;
    const outer = inTransaction(ctx(), (tx) =>
      inRetryingTransaction(tx, async () => {
        inner++;
        throw pgError("40P01");
      }),
    );
    await expect(outer).rejects.toMatchObject({ code: "40P01" });
    expect(inner).toBe(1);
  });

  it("sees two transactions through a real deadlock: the one PostgreSQL aborts runs again and both commit", async () => {
    let attempts = 0;
    const lockBoth = (first: number, second: number) =>
      inRetryingTransaction(ctx(), async (tx) => {
        attempts++;
        await tx.db.execute(sql`select pg_advisory_xact_lock(${first})`);
        await tx.db.execute(sql`select pg_sleep(0.2)`);
        await tx.db.execute(sql`select pg_advisory_xact_lock(${second})`);
        return "ok";
      });
    const results = await Promise.allSettled([lockBoth(7001, 7002), lockBoth(7002, 7001)]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : pgErrorCode(r.reason)))).toEqual(["ok", "ok"]);
    expect(attempts).toBe(3);
  });
});
