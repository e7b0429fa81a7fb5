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

/** Which filters a list or search query has; part of its prepared statement's key. */
export interface FilterShape {
  status: boolean;
  stage: boolean;
  tag: boolean;
  /** "basis": one lawful basis (placeholder consent); "none": not recorded. */
  consent: "basis" | "none" | null;
  marketing: boolean;
}

/** The shape of the filters an input asks for. */
export function filterShape(input: {
  status?: unknown;
  stageId?: unknown;
  tag?: unknown;
  consent?: string | undefined;
  marketing?: boolean | undefined;
}): FilterShape {
  return {
    status: Boolean(input.status),
    stage: Boolean(input.stageId),
    tag: Boolean(input.tag),
    consent: input.consent === undefined ? null : input.consent === "none" ? "none" : "basis",
    marketing: input.marketing !== undefined,
  };
}

/** The placeholders' values for ownerFilters. */
export function filterValues(input: {
  status?: string | undefined;
  stageId?: string | undefined;
  tag?: string | undefined;
  consent?: string | undefined;
  marketing?: boolean | undefined;
}) {
  return {
    status: input.status ?? null,
    stageId: input.stageId ?? null,
    tag: input.tag ?? null,
    consent: input.consent && input.consent !== "none" ? input.consent : null,
    marketing: input.marketing ?? null,
  };
}

/**
 * The owner's live clients, narrowed by the optional filters (placeholders status, stageId, tag,
 * consent, marketing). The consent filters have no index of their own: they are tested on the
 * owner's rows the sort index walks, like the tag (see docs/privacy.md for the plan).
 */
export function ownerFilters(shape: FilterShape): (SQL | undefined)[] {
  return [
    eq(clients.userId, sql.placeholder("userId")),
    isNull(clients.deletedAt),
    shape.status ? sql`${clients.status} = ${sql.placeholder("status")}::client_status` : undefined,
    shape.stage ? sql`${clients.stageId} = ${sql.placeholder("stageId")}::uuid` : undefined,
    shape.tag ? sql`${clients.tags} @> array[${sql.placeholder("tag")}::text]` : undefined,
    shape.consent === "basis" ? sql`${clients.consentBasis} = ${sql.placeholder("consent")}::consent_basis` : undefined,
    shape.consent === "none" ? isNull(clients.consentBasis) : undefined,
    shape.marketing ? sql`${clients.marketingConsent} = ${sql.placeholder("marketing")}::boolean` : undefined,
  ];
}
