import { inArray, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { CoreContext } from "./context";

/**
 * A PostgreSQL array literal for uuids and integers (drizzle's sql`` would spread a JS array into
 * a parameter list). Only for values with no quotes, commas or braces, which the callers guarantee.
 */
export function pgArray(values: readonly (string | number)[]): string {
  for (const v of values) {
    if (typeof v === "string" && !/^[0-9a-zA-Z-]+$/.test(v)) throw new Error("pgArray: unsafe element");
  }
  return `{${values.join(",")}}`;
}

/**
 * A prepared statement (or a map of them) built once per database handle, for queries on hot paths:
 * building a Drizzle query per call costs about as much as running it. `build` gets the handle.
 */
export function preparedPerDb<Q>(build: (db: CoreContext["db"]) => Q): (db: CoreContext["db"]) => Q {
  const cache = new WeakMap<object, Q>();
  return (db) => {
    let query = cache.get(db);
    if (!query) {
      query = build(db);
      cache.set(db, query);
    }
    return query;
  };
}

/** Rows each statement of a batched cleanup touches: short statements, short row locks. */
export const CLEANUP_BATCH_SIZE = 1000;

/**
 * Runs one batch (a statement that touches at most CLEANUP_BATCH_SIZE rows and says how many it
 * did) until a batch comes back short, so a large backlog never sits in one long transaction.
 */
export async function inBatches(batch: () => Promise<number>, size = CLEANUP_BATCH_SIZE): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await batch();
    total += done;
    if (done < size) return total;
  }
}

/**
 * Deletes the rows of `table` matching `where`, CLEANUP_BATCH_SIZE at a time by their key column
 * (`delete … where key in (select key … limit n)`), and answers how many went.
 */
export function deleteInBatches(
  db: CoreContext["db"],
  table: PgTable,
  key: PgColumn,
  where: SQL | undefined,
  size = CLEANUP_BATCH_SIZE,
): Promise<number> {
  return inBatches(async () => {
    const rows = await db
      .delete(table)
      .where(inArray(key, db.select({ key }).from(table).where(where).limit(size)))
      .returning({ key });
    return rows.length;
  }, size);
}
