import { schema } from "@crm/db";
import { type clientListInput, phoneSearchDigits } from "@crm/shared";
import { and, asc, desc, sql } from "drizzle-orm";
import { z } from "zod";
import type { AuthedContext } from "../context";
import { cursorKey, decodeCursor, encodeCursor } from "./cursor";
import {
  type FilterShape,
  filterShape,
  filterValues,
  ownerFilters,
  ownerPhoneRegion,
  preparedPerShape,
} from "./queries";
import { toClientView, viewColumns } from "./view";

const { clients } = schema;

function searchWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
}

/** Prefix query over words: "ada lov" finds "Ada Lovelace". Punctuation is dropped. */
function prefixTsQuery(query: string): string | null {
  const words = searchWords(query);
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

/** Any name or email word starting with the first letter of a typed word: "lovelase" → "l:*AB". */
function firstLetterTsQuery(query: string): string | null {
  const letters = [...new Set(searchWords(query).map((w) => [...w][0]!))];
  return letters.length ? letters.map((l) => `${l}:*AB`).join(" | ") : null;
}

/** Typo tolerance starts at this many letters or digits (as in common search engines' defaults). */
const MIN_TYPO_TOLERANT_LENGTH = 4;

/** Search pages go by offset, up to this many rows deep. */
const MAX_SEARCH_OFFSET = 10_000;
const searchCursor = z.tuple([cursorKey.offset(MAX_SEARCH_OFFSET)]);

interface SearchShape extends FilterShape {
  fullText: boolean;
  phoneVariants: number;
  typoTolerant: boolean;
}

const searchQuery = preparedPerShape("clients_search", buildSearchQuery);

function buildSearchQuery(db: AuthedContext["db"], shape: SearchShape, name: string) {
  const filters = ownerFilters(shape);
  // Every plan starts from the owner's rows (owner-leading btree). The full-text test is written as
  // the function behind `@@` (ts_match_vq), which the planner never answers from an index: the GIN
  // index's prefix lookup walks every owner's words, where testing this owner's rows directly is
  // an order of magnitude cheaper. Each use of a tsquery is a sub-select (an InitPlan), parsed once
  // per execution: written inline, a prepared statement's generic plan calls to_tsquery again for
  // every row it tests.
  const parsedTsQuery = (placeholder: string) =>
    sql`(select to_tsquery('simple', ${sql.placeholder(placeholder)}::text))`;
  const tsQuery = parsedTsQuery("tsQuery");
  const tsMatch = shape.fullText ? sql`ts_match_vq(${clients.search}, ${tsQuery})` : null;
  const phoneMatch = shape.phoneVariants
    ? sql`(${sql.join(
        Array.from(
          { length: shape.phoneVariants },
          (_, i) => sql`${clients.phoneDigits} like ${sql.placeholder(`phone${i}`)}::text`,
        ),
        sql` or `,
      )})`
    : null;
  // Exact: a word starts with what was typed (full-text prefix), or the phone digits contain it.
  const exact = tsMatch && phoneMatch ? sql`(${tsMatch} or ${phoneMatch})` : (tsMatch ?? phoneMatch ?? sql`false`);
  // Names and the email's local part: the domain ("example.com") is long, shared by many clients
  // and not what a typo is made in; leaving it out makes the typo query cheaper.
  const similarity = sql`word_similarity(${sql.placeholder("lowered")}::text, split_part(${clients.sortName}, '@', 1))`;
  const rankExact = sql`${tsMatch ? sql`ts_rank(${clients.search}, ${tsQuery})` : sql`0`} + ${similarity}${
    phoneMatch ? sql` + (case when ${phoneMatch} then 1 else 0 end)` : sql``
  }`;
  const tier = sql<number>`(case when ${exact} then 0 else 1 end)`;
  const rank = sql<number>`(case when ${exact} then ${rankExact} else ${similarity} end)`;
  // Exact matches come first, ranked; near misses (typos) follow. Trigram similarity is costly per
  // row, so it runs only for terms of 4+ characters (shorter ones are prefixes still being typed,
  // their near misses noise), and only on rows with a name or email word (weights A and B: not the
  // company, which the similarity does not compare) that starts with the first letter of a typed
  // word (a typo there is rare; this leaves a small share of the rows to compare).
  const fuzzy = shape.typoTolerant
    ? sql` or (ts_match_vq(${clients.search}, ${parsedTsQuery("firstLetters")}) and ${similarity} >= 0.45)`
    : sql``;
  return db
    .select({ ...viewColumns, rank })
    .from(clients)
    .where(and(...filters, sql`(${exact}${fuzzy})`))
    .orderBy(asc(tier), desc(rank), asc(clients.sortName), asc(clients.id))
    .limit(sql.placeholder("limit"))
    .offset(sql.placeholder("offset"))
    .prepare(name);
}

export async function searchClients(ctx: AuthedContext, input: z.output<typeof clientListInput> & { query: string }) {
  const { query, limit } = input;
  const [offset] = input.cursor ? decodeCursor(input.cursor, "search", searchCursor) : [0];
  const tsQuery = prefixTsQuery(query);
  const digits = phoneSearchDigits(query, ctx.user?.phoneRegion ?? (await ownerPhoneRegion(ctx)));
  const firstLetters = firstLetterTsQuery(query);
  const typoTolerant = firstLetters !== null && query.replace(/[^\p{L}\p{N}]/gu, "").length >= MIN_TYPO_TOLERANT_LENGTH;
  const prepared = searchQuery(ctx.db, {
    ...filterShape(input),
    fullText: tsQuery !== null,
    phoneVariants: digits.length,
    typoTolerant,
  });
  const rows = await prepared.execute({
    userId: ctx.userId,
    ...filterValues(input),
    tsQuery,
    lowered: query.toLowerCase(),
    firstLetters,
    ...Object.fromEntries(digits.map((d, i) => [`phone${i}`, `%${d}%`])),
    limit: limit + 1,
    offset,
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(({ rank: _r, ...row }) => toClientView(row)),
    nextCursor: rows.length > limit ? encodeCursor({ sort: "search", values: [String(offset + limit)] }) : null,
  };
}
