import { schema } from "@crm/db";
import { eq, isNull, type SQL, sql } from "drizzle-orm";
import type { AuthedContext } from "../context";
import { preparedPerDb } from "../sql";

const { clients, users } = schema;

/** The owner's default phone region, for numbers typed without a +. */
export async function ownerPhoneRegion(ctx: AuthedContext): Promise<string> {
  const [row] = await ctx.db.select({ region: users.phoneRegion }).from(users).where(eq(users.id, ctx.userId));
  return row?.region ?? "US";
}

/**
 * One prepared query per database handle and shape of filters, with placeholders for the values.
 * (Building a Drizzle query per request cost more than running it.)
 */
export function preparedPerShape<S extends object, Q>(
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
export function ownerFilters(shape: { status: boolean; stage: boolean; tag: boolean }): (SQL | undefined)[] {
  return [
    eq(clients.userId, sql.placeholder("userId")),
    isNull(clients.deletedAt),
    shape.status ? sql`${clients.status} = ${sql.placeholder("status")}::client_status` : undefined,
    shape.stage ? sql`${clients.stageId} = ${sql.placeholder("stageId")}::uuid` : undefined,
    shape.tag ? sql`${clients.tags} @> array[${sql.placeholder("tag")}::text]` : undefined,
  ];
}
