import { schema } from "@crm/db";
import { type ClientSort, clientListInput } from "@crm/shared";
import { and, asc, desc, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { AuthedContext } from "../context";
import { parseInput } from "../validation";
import { cursorKey, decodeCursor, encodeCursor } from "./cursor";
import { type FilterShape, filterShape, filterValues, ownerFilters, preparedPerShape } from "./queries";
import { searchClients } from "./search";
import { toClientView, viewColumns } from "./view";

const { clients } = schema;

interface SortSpec {
  /** Keyset columns, last one is always the id; `key` checks a cursor's value for it. */
  keys: { column: SQL; text: SQL; cast: string; key: z.ZodType<string> }[];
  descending: boolean;
}

function sortSpec(sort: ClientSort): SortSpec {
  const descending = sort.startsWith("-");
  const name = { column: sql`${clients.sortName}`, text: sql`${clients.sortName}`, cast: "text", key: cursorKey.text };
  const id = { column: sql`${clients.id}`, text: sql`${clients.id}::text`, cast: "uuid", key: cursorKey.uuid };
  const at = (column: typeof clients.createdAt) => ({
    column: sql`${column}`,
    text: sql`${column}::text`,
    cast: "timestamptz",
    key: cursorKey.timestamptz,
  });
  switch (sort.replace("-", "")) {
    case "created":
      return { descending, keys: [at(clients.createdAt), id] };
    case "updated":
      return { descending, keys: [at(clients.updatedAt), id] };
    case "status":
      return {
        descending,
        keys: [
          {
            column: sql`${clients.status}`,
            text: sql`${clients.status}::text`,
            cast: "client_status",
            key: cursorKey.clientStatus,
          },
          name,
          id,
        ],
      };
    default:
      return { descending, keys: [name, id] };
  }
}

/** A cursor of this sort: one checked value per keyset column. */
function cursorKeys(spec: SortSpec): z.ZodType<string[]> {
  const [first, ...rest] = spec.keys.map((k) => k.key);
  return z.tuple([first!, ...rest]);
}

interface ListShape extends FilterShape {
  sort: ClientSort;
  cursor: boolean;
}

const listQuery = preparedPerShape("clients_list", buildListQuery);

function buildListQuery(db: AuthedContext["db"], shape: ListShape, name: string) {
  const spec = sortSpec(shape.sort);
  const filters = ownerFilters(shape);
  if (shape.cursor) {
    const columns = sql.join(
      spec.keys.map((k) => k.column),
      sql`, `,
    );
    const bounds = sql.join(
      spec.keys.map((k, i) => sql`${sql.placeholder(`c${i}`)}::${sql.raw(k.cast)}`),
      sql`, `,
    );
    filters.push(spec.descending ? sql`(${columns}) < (${bounds})` : sql`(${columns}) > (${bounds})`);
  }
  const order = spec.keys.map((k) => (spec.descending ? desc(k.column) : asc(k.column)));
  return db
    .select({
      ...viewColumns,
      cursorKeys: sql<string[]>`array[${sql.join(
        spec.keys.map((k) => k.text),
        sql`, `,
      )}]`,
    })
    .from(clients)
    .where(and(...filters))
    .orderBy(...order)
    .limit(sql.placeholder("limit"))
    .prepare(name);
}

/**
 * A page of live clients. Without a search term: keyset pagination on the chosen sort (stable
 * while others insert). With one: ranked matches (prefix full-text, typo-tolerant similarity,
 * phone digits in any spelling), paged by offset. Every plan starts from the owner's rows.
 */
export async function listClients(ctx: AuthedContext, rawInput: z.input<typeof clientListInput>) {
  const input = parseInput(clientListInput, rawInput);
  if (input.query) return searchClients(ctx, { ...input, query: input.query });

  const spec = sortSpec(input.sort);
  const values = input.cursor ? decodeCursor(input.cursor, input.sort, cursorKeys(spec)) : null;
  const query = listQuery(ctx.db, {
    sort: input.sort,
    ...filterShape(input),
    cursor: values !== null,
  });
  const rows = await query.execute({
    userId: ctx.userId,
    ...filterValues(input),
    limit: input.limit + 1,
    ...Object.fromEntries((values ?? []).map((v, i) => [`c${i}`, v])),
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ cursorKeys: _k, ...row }) => toClientView(row)),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ sort: input.sort, values: last.cursorKeys }) : null,
  };
}
