import { schema } from "@crm/db";
import {
  type ClientSort,
  clientCreateInput,
  clientDisplayName,
  clientListInput,
  clientUpdateInput,
  messages,
  normalizePhone,
  phoneSearchDigits,
  trashListInput,
} from "@crm/shared";
import { and, asc, desc, eq, gt, isNotNull, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import { diffFields, recordActivity } from "../activity/activity";
import { restoreClientBookings, trashClientBookings } from "../bookings/bookings";
import type { AuthedContext, CoreContext } from "../context";
import { DomainError, pgErrorCode } from "../errors";
import { compactStage, existingStages, listStages, lockPipeline, nextPositionIn } from "../pipeline/stages";
import { syncUpcomingReminders } from "../reminders/reminders";
import { preparedPerDb } from "../sql";
import { inTransaction } from "../transaction";
import { parseInput } from "../validation";
import { decodeCursor, encodeCursor } from "./cursor";

const { clients, users } = schema;

/** How long a deleted client can be restored before the purge removes it for good. */
export const DEFAULT_TRASH_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ClientView {
  id: string;
  name: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** E.164; format for display with formatPhone(phone, user.phoneRegion). */
  phone: string | null;
  company: string | null;
  status: "active" | "inactive" | "archived";
  stageId: string | null;
  position: number | null;
  tags: string[];
  source: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

const viewColumns = {
  id: clients.id,
  firstName: clients.firstName,
  lastName: clients.lastName,
  email: clients.email,
  phone: clients.phone,
  company: clients.company,
  status: clients.status,
  stageId: clients.stageId,
  position: clients.position,
  tags: clients.tags,
  source: clients.source,
  version: clients.version,
  createdAt: clients.createdAt,
  updatedAt: clients.updatedAt,
  deletedAt: clients.deletedAt,
};

type ClientRow = { [K in keyof typeof viewColumns]: (typeof clients.$inferSelect)[K] };

export function toClientView(row: ClientRow): ClientView {
  return { ...row, name: clientDisplayName(row) };
}

const TRACKED_FIELDS = [
  "firstName",
  "lastName",
  "email",
  "phone",
  "company",
  "status",
  "stageId",
  "tags",
  "source",
] as const;

async function ownerPhoneRegion(ctx: AuthedContext): Promise<string> {
  const [row] = await ctx.db.select({ region: users.phoneRegion }).from(users).where(eq(users.id, ctx.userId));
  return row?.region ?? "US";
}

async function toE164(ctx: AuthedContext, phone: string | null | undefined): Promise<string | null | undefined> {
  if (phone === undefined || phone === null) return phone;
  const parsed = normalizePhone(phone, await ownerPhoneRegion(ctx));
  if (!parsed.ok) throw new DomainError("VALIDATION", parsed.message, { field: "phone" });
  return parsed.e164;
}

async function assertEmailFree(ctx: AuthedContext, email: string | null | undefined, exceptId?: string) {
  if (!email) return;
  const [other] = await ctx.db
    .select(viewColumns)
    .from(clients)
    .where(
      and(
        eq(clients.userId, ctx.userId),
        isNull(clients.deletedAt),
        sql`lower(${clients.email}) = ${email.toLowerCase()}`,
        exceptId ? sql`${clients.id} <> ${exceptId}` : undefined,
      ),
    )
    .limit(1);
  if (other) throw duplicateError(toClientView(other));
}

function duplicateError(existing: { id: string; name: string }) {
  return new DomainError("DUPLICATE", `${existing.name} already has this email`, {
    field: "email",
    details: { clientId: existing.id, name: existing.name },
  });
}

/** The unique index caught a race the pre-check missed: name the client that won it. */
async function rethrowDuplicate(ctx: AuthedContext, error: unknown, email: string | null | undefined): Promise<never> {
  if (pgErrorCode(error) === "23505" && email) {
    const [other] = await ctx.db
      .select(viewColumns)
      .from(clients)
      .where(
        and(
          eq(clients.userId, ctx.userId),
          isNull(clients.deletedAt),
          sql`lower(${clients.email}) = ${email.toLowerCase()}`,
        ),
      )
      .limit(1);
    if (other) throw duplicateError(toClientView(other));
  }
  throw error;
}

export async function createClient(
  ctx: AuthedContext,
  rawInput: z.input<typeof clientCreateInput>,
): Promise<ClientView> {
  const input = parseInput(clientCreateInput, rawInput);
  const phone = await toE164(ctx, input.phone);
  try {
    return await inTransaction(ctx, async (tx) => {
      await assertEmailFree(tx, input.email);
      let stageId: string | null = null;
      let position: number | null = null;
      if (input.stageId !== null) {
        stageId = input.stageId ?? (await listStages(tx))[0]?.id ?? null;
        if (stageId) {
          await lockPipeline(tx);
          const found = await existingStages(tx, [stageId]);
          if (!found.has(stageId)) throw new DomainError("NOT_FOUND", "Stage not found", { field: "stageId" });
          position = await nextPositionIn(tx, stageId);
        }
      }
      const now = ctx.clock.now();
      const [row] = await tx.db
        .insert(clients)
        .values({
          userId: ctx.userId,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
          email: input.email ?? null,
          phone: phone ?? null,
          company: input.company ?? null,
          status: input.status ?? "active",
          stageId,
          position,
          tags: [...new Set(input.tags ?? [])],
          source: input.source ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning(viewColumns);
      const view = toClientView(row!);
      const empty = Object.fromEntries(TRACKED_FIELDS.map((f) => [f, null])) as unknown as ClientView;
      await recordActivity(tx, {
        entityType: "client",
        entityId: view.id,
        clientId: view.id,
        action: "created",
        changes: diffFields(empty, view, TRACKED_FIELDS),
      });
      return view;
    });
  } catch (error) {
    return rethrowDuplicate(ctx, error, input.email);
  }
}

async function lockLiveClient(ctx: AuthedContext, id: string) {
  const [row] = await ctx.db
    .select(viewColumns)
    .from(clients)
    .where(and(eq(clients.id, id), eq(clients.userId, ctx.userId), isNull(clients.deletedAt)))
    .for("update");
  if (!row) throw new DomainError("NOT_FOUND", "Client not found");
  return row;
}

export async function getClient(ctx: AuthedContext, id: string): Promise<ClientView> {
  const [row] = await ctx.db
    .select(viewColumns)
    .from(clients)
    .where(and(eq(clients.id, id), eq(clients.userId, ctx.userId), isNull(clients.deletedAt)));
  if (!row) throw new DomainError("NOT_FOUND", "Client not found");
  return toClientView(row);
}

export async function updateClient(
  ctx: AuthedContext,
  rawInput: z.input<typeof clientUpdateInput>,
): Promise<ClientView> {
  const input = parseInput(clientUpdateInput, rawInput);
  const phone = await toE164(ctx, input.phone);
  try {
    return await inTransaction(ctx, async (tx) => {
      if (input.stageId !== undefined) await lockPipeline(tx);
      const current = await lockLiveClient(tx, input.id);
      if (current.version !== input.version) throw new DomainError("STALE_VERSION", messages.staleVersion);
      const next = {
        firstName: input.firstName === undefined ? current.firstName : input.firstName,
        lastName: input.lastName === undefined ? current.lastName : input.lastName,
        email: input.email === undefined ? current.email : input.email,
        phone: phone === undefined ? current.phone : phone,
        company: input.company === undefined ? current.company : input.company,
        status: input.status ?? current.status,
        tags: input.tags === undefined ? current.tags : [...new Set(input.tags)],
        source: input.source === undefined ? current.source : input.source,
      };
      if (!next.firstName && !next.lastName && !next.email) {
        throw new DomainError("VALIDATION", "Enter a name or an email", { field: "firstName" });
      }
      if (next.email && next.email.toLowerCase() !== current.email?.toLowerCase()) {
        await assertEmailFree(tx, next.email, current.id);
      }
      let stageId = current.stageId;
      let position = current.position;
      if (input.stageId !== undefined && input.stageId !== current.stageId) {
        const found = await existingStages(tx, input.stageId ? [input.stageId] : []);
        if (input.stageId && !found.has(input.stageId))
          throw new DomainError("NOT_FOUND", "Stage not found", { field: "stageId" });
        stageId = input.stageId;
        position = stageId ? await nextPositionIn(tx, stageId) : null;
      }
      const [row] = await tx.db
        .update(clients)
        .set({ ...next, stageId, position, version: current.version + 1, updatedAt: ctx.clock.now() })
        .where(eq(clients.id, current.id))
        .returning(viewColumns);
      if (current.stageId && current.stageId !== stageId) await compactStage(tx, current.stageId);
      const view = toClientView(row!);
      // The reminders of this client's upcoming bookings follow the email address.
      if ((current.email ?? "") !== (view.email ?? "")) await syncUpcomingReminders(tx, { clientId: view.id });
      const changes = diffFields(toClientView(current), view, TRACKED_FIELDS);
      if (Object.keys(changes).length) {
        await recordActivity(tx, {
          entityType: "client",
          entityId: view.id,
          clientId: view.id,
          action: "updated",
          changes,
        });
      }
      return view;
    });
  } catch (error) {
    return rethrowDuplicate(ctx, error, input.email);
  }
}

/** Moves a client (with its notes) to Trash; restorable for the retention period. */
export async function deleteClient(ctx: AuthedContext, id: string): Promise<{ id: string; deletedAt: Date }> {
  return inTransaction(ctx, async (tx) => {
    await lockPipeline(tx);
    const current = await lockLiveClient(tx, id);
    const now = ctx.clock.now();
    await tx.db
      .update(clients)
      .set({ deletedAt: now, position: null, version: current.version + 1, updatedAt: now })
      .where(eq(clients.id, id));
    if (current.stageId) await compactStage(tx, current.stageId);
    await trashClientBookings(tx, id, now);
    await recordActivity(tx, { entityType: "client", entityId: id, clientId: id, action: "deleted" });
    return { id, deletedAt: now };
  });
}

export async function restoreClient(
  ctx: AuthedContext,
  id: string,
  retentionDays = DEFAULT_TRASH_RETENTION_DAYS,
): Promise<ClientView> {
  try {
    return await inTransaction(ctx, async (tx) => {
      await lockPipeline(tx);
      const cutoff = new Date(ctx.clock.now().getTime() - retentionDays * DAY_MS);
      const [current] = await tx.db
        .select(viewColumns)
        .from(clients)
        .where(
          and(
            eq(clients.id, id),
            eq(clients.userId, ctx.userId),
            isNotNull(clients.deletedAt),
            gt(clients.deletedAt, cutoff),
          ),
        )
        .for("update");
      if (!current) throw new DomainError("NOT_FOUND", "Client not found in Trash");
      await assertEmailFree(tx, current.email, current.id);
      let stageId = current.stageId ?? (await listStages(tx))[0]?.id ?? null;
      let position: number | null = null;
      if (stageId) {
        const found = await existingStages(tx, [stageId]);
        if (found.has(stageId)) position = await nextPositionIn(tx, stageId);
        else stageId = null;
      }
      const [row] = await tx.db
        .update(clients)
        .set({ deletedAt: null, stageId, position, version: current.version + 1, updatedAt: ctx.clock.now() })
        .where(eq(clients.id, id))
        .returning(viewColumns);
      await restoreClientBookings(tx, id, current.deletedAt!);
      await recordActivity(tx, { entityType: "client", entityId: id, clientId: id, action: "restored" });
      return toClientView(row!);
    });
  } catch (error) {
    const [row] = await ctx.db.select({ email: clients.email }).from(clients).where(eq(clients.id, id));
    return rethrowDuplicate(ctx, error, row?.email);
  }
}

export async function listTrash(
  ctx: AuthedContext,
  rawInput: z.input<typeof trashListInput>,
  retentionDays = DEFAULT_TRASH_RETENTION_DAYS,
) {
  const input = parseInput(trashListInput, rawInput);
  const limit = 20;
  const conditions: (SQL | undefined)[] = [eq(clients.userId, ctx.userId), isNotNull(clients.deletedAt)];
  if (input.cursor) {
    const { values } = decodeCursor(input.cursor, "trash");
    conditions.push(sql`(${clients.deletedAt}, ${clients.id}) < (${values[0]}::timestamptz, ${values[1]}::uuid)`);
  }
  const rows = await ctx.db
    .select({ ...viewColumns, deletedKey: sql<string>`${clients.deletedAt}::text` })
    .from(clients)
    .where(and(...conditions))
    .orderBy(desc(clients.deletedAt), desc(clients.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ deletedKey: _k, ...row }) => ({
      ...toClientView(row),
      purgeAt: new Date(row.deletedAt!.getTime() + retentionDays * DAY_MS),
    })),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ sort: "trash", values: [last.deletedKey, last.id] }) : null,
  };
}

/** Hard-deletes clients that have been in Trash longer than the retention (notes go with them). */
export async function purgeDeletedClients(
  ctx: CoreContext,
  retentionDays = DEFAULT_TRASH_RETENTION_DAYS,
): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - retentionDays * DAY_MS);
  const deleted = await ctx.db
    .delete(clients)
    .where(and(isNotNull(clients.deletedAt), lt(clients.deletedAt, cutoff)))
    .returning({ id: clients.id });
  return deleted.length;
}

export async function listTags(ctx: AuthedContext): Promise<string[]> {
  const rows = await ctx.db.execute<{ tag: string }>(
    sql`select distinct unnest(tags) as tag from clients where user_id = ${ctx.userId} and deleted_at is null order by 1`,
  );
  return rows.map((r) => r.tag);
}

interface SortSpec {
  /** Keyset columns, last one is always the id. */
  keys: { column: SQL; text: SQL; cast: string }[];
  descending: boolean;
}

function sortSpec(sort: ClientSort): SortSpec {
  const descending = sort.startsWith("-");
  const name = { column: sql`${clients.sortName}`, text: sql`${clients.sortName}`, cast: "text" };
  const id = { column: sql`${clients.id}`, text: sql`${clients.id}::text`, cast: "uuid" };
  switch (sort.replace("-", "")) {
    case "created":
      return {
        descending,
        keys: [{ column: sql`${clients.createdAt}`, text: sql`${clients.createdAt}::text`, cast: "timestamptz" }, id],
      };
    case "updated":
      return {
        descending,
        keys: [{ column: sql`${clients.updatedAt}`, text: sql`${clients.updatedAt}::text`, cast: "timestamptz" }, id],
      };
    case "status":
      return {
        descending,
        keys: [{ column: sql`${clients.status}`, text: sql`${clients.status}::text`, cast: "client_status" }, name, id],
      };
    default:
      return { descending, keys: [name, id] };
  }
}

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

interface ListShape {
  sort: ClientSort;
  status: boolean;
  stage: boolean;
  tag: boolean;
  cursor: boolean;
}

/**
 * One prepared query per database handle and shape of filters, with placeholders for the values.
 * (Building a Drizzle query per request cost more than running it.)
 */
function preparedPerShape<S extends object, Q>(
  prefix: string,
  build: (db: AuthedContext["db"], shape: S, name: string) => Q,
): (db: AuthedContext["db"], shape: S) => Q {
  const shapesOf = preparedPerDb(() => new Map<string, Q>());
  return (db, shape) => {
    const byShape = shapesOf(db);
    const key = Object.values(shape).join("|");
    let query = byShape.get(key);
    if (!query) {
      query = build(db, shape, `${prefix}_${byShape.size}`);
      byShape.set(key, query);
    }
    return query;
  };
}

/** The owner's live clients, narrowed by the optional filters (placeholders status, stageId, tag). */
function ownerFilters(shape: { status: boolean; stage: boolean; tag: boolean }): (SQL | undefined)[] {
  return [
    eq(clients.userId, sql.placeholder("userId")),
    isNull(clients.deletedAt),
    shape.status ? sql`${clients.status} = ${sql.placeholder("status")}::client_status` : undefined,
    shape.stage ? sql`${clients.stageId} = ${sql.placeholder("stageId")}::uuid` : undefined,
    shape.tag ? sql`${clients.tags} @> array[${sql.placeholder("tag")}::text]` : undefined,
  ];
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
  const values = input.cursor ? decodeCursor(input.cursor, input.sort).values : null;
  if (values && values.length !== spec.keys.length) {
    throw new DomainError("VALIDATION", "This page link is out of date; start from the first page", {
      field: "cursor",
    });
  }
  const query = listQuery(ctx.db, {
    sort: input.sort,
    status: Boolean(input.status),
    stage: Boolean(input.stageId),
    tag: Boolean(input.tag),
    cursor: values !== null,
  });
  const rows = await query.execute({
    userId: ctx.userId,
    status: input.status ?? null,
    stageId: input.stageId ?? null,
    tag: input.tag ?? null,
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

/** Typo tolerance starts at this many letters or digits (as in common search engines' defaults). */
const MIN_TYPO_TOLERANT_LENGTH = 4;

interface SearchShape {
  status: boolean;
  stage: boolean;
  tag: boolean;
  fullText: boolean;
  phoneVariants: number;
  typoTolerant: boolean;
}

const searchQuery = preparedPerShape("clients_search", buildSearchQuery);

function buildSearchQuery(db: AuthedContext["db"], shape: SearchShape, name: string) {
  const filters = ownerFilters(shape);
  // Every plan starts from the owner's rows (owner-leading btree). The full-text test is written as
  // the function behind `@@` (ts_match_vq), which the planner never answers from an index: the GIN
  // index's prefix lookup walks every owner's words (3-5 ms at 500k clients), where testing this
  // owner's 500 rows takes 0.3 ms. Each use of a tsquery is a sub-select (an InitPlan), parsed once
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
  // and not what a typo is made in; leaving it out made the typo query ~15% faster (measured).
  const similarity = sql`word_similarity(${sql.placeholder("lowered")}::text, split_part(${clients.sortName}, '@', 1))`;
  const rankExact = sql`${tsMatch ? sql`ts_rank(${clients.search}, ${tsQuery})` : sql`0`} + ${similarity}${
    phoneMatch ? sql` + (case when ${phoneMatch} then 1 else 0 end)` : sql``
  }`;
  const tier = sql<number>`(case when ${exact} then 0 else 1 end)`;
  const rank = sql<number>`(case when ${exact} then ${rankExact} else ${similarity} end)`;
  // Exact matches come first, ranked; near misses (typos) follow. Trigram similarity costs ~9 µs a
  // row, so it runs only for terms of 4+ characters (shorter ones are prefixes still being typed,
  // their near misses noise), and only on rows with a name or email word (weights A and B: not the
  // company, which the similarity does not compare) that starts with the first letter of a typed
  // word (a typo there is rare; this leaves ~1 row in 6 to compare).
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

async function searchClients(ctx: AuthedContext, input: z.output<typeof clientListInput> & { query: string }) {
  const { query, limit } = input;
  const offset = input.cursor ? Number(decodeCursor(input.cursor, "search").values[0]) : 0;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > 10_000) {
    throw new DomainError("VALIDATION", "This page link is out of date; start from the first page", {
      field: "cursor",
    });
  }
  const tsQuery = prefixTsQuery(query);
  const digits = phoneSearchDigits(query, ctx.user?.phoneRegion ?? (await ownerPhoneRegion(ctx)));
  const firstLetters = firstLetterTsQuery(query);
  const typoTolerant = firstLetters !== null && query.replace(/[^\p{L}\p{N}]/gu, "").length >= MIN_TYPO_TOLERANT_LENGTH;
  const prepared = searchQuery(ctx.db, {
    status: Boolean(input.status),
    stage: Boolean(input.stageId),
    tag: Boolean(input.tag),
    fullText: tsQuery !== null,
    phoneVariants: digits.length,
    typoTolerant,
  });
  const rows = await prepared.execute({
    userId: ctx.userId,
    status: input.status ?? null,
    stageId: input.stageId ?? null,
    tag: input.tag ?? null,
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
