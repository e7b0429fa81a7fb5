import { type SQL, sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const clientStatus = pgEnum("client_status", ["active", "inactive", "archived"]);
/** The lawful basis (GDPR art. 6) for holding a client's data. */
export const consentBasis = pgEnum("consent_basis", ["consent", "contract", "legitimate_interest", "legal_obligation"]);

export const pipelineStages = pgTable(
  "pipeline_stages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    color: text("color").notNull().default("#6366f1"),
    position: integer("position").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [index("pipeline_stages_user_position_idx").on(t.userId, t.position)],
);

export const clients = pgTable(
  "clients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    firstName: text("first_name"),
    lastName: text("last_name"),
    email: text("email"),
    /** E.164, validated against the owner's phone region on the way in. */
    phone: text("phone"),
    company: text("company"),
    status: clientStatus("status").notNull().default("active"),
    stageId: uuid("stage_id").references(() => pipelineStages.id, { onDelete: "restrict" }),
    /**
     * Order within the stage (0..n-1); null while in Trash or outside the pipeline. No two cards
     * share a place: UNIQUE (user_id, stage_id, position) DEFERRABLE INITIALLY DEFERRED, added in
     * migration 0002 (drizzle cannot declare deferrable constraints), checked at commit so a move
     * can renumber freely.
     */
    position: integer("position"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    source: text("source"),
    /** Lawful basis for holding this person's data; null: not recorded yet. */
    consentBasis: consentBasis("consent_basis"),
    /** When the basis was established (consent given, contract signed…). */
    consentGivenAt: timestamptz("consent_given_at"),
    /** How it was given, in the owner's words ("intake form", "signed contract 2026-03"). */
    consentSource: text("consent_source"),
    /** Separate opt-in to marketing email, with when it was given. */
    marketingConsent: boolean("marketing_consent").notNull().default(false),
    marketingConsentAt: timestamptz("marketing_consent_at"),
    version: integer("version").notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    deletedAt: timestamptz("deleted_at"),
    sortName: text("sort_name").generatedAlwaysAs(
      (): SQL =>
        sql`lower(btrim(coalesce(last_name, '') || ' ' || coalesce(first_name, '') || ' ' || coalesce(email, '')))`,
    ),
    phoneDigits: text("phone_digits").generatedAlwaysAs(
      (): SQL => sql`regexp_replace(coalesce(phone, ''), '\\D', '', 'g')`,
    ),
    search: tsvector("search").generatedAlwaysAs(
      (): SQL =>
        sql`setweight(to_tsvector('simple', coalesce(first_name, '') || ' ' || coalesce(last_name, '')), 'A') || setweight(to_tsvector('simple', coalesce(email, '') || ' ' || coalesce(replace(replace(email, '@', ' '), '.', ' '), '')), 'B') || setweight(to_tsvector('simple', coalesce(company, '')), 'C')`,
    ),
  },
  (t) => [
    // One live client per email per owner, whatever the case.
    uniqueIndex("clients_user_email_live_key")
      .on(t.userId, sql`lower(${t.email})`)
      .where(sql`${t.deletedAt} is null and ${t.email} is not null`),
    index("clients_user_sort_name_idx").on(t.userId, t.sortName, t.id).where(sql`${t.deletedAt} is null`),
    index("clients_user_created_idx").on(t.userId, t.createdAt, t.id).where(sql`${t.deletedAt} is null`),
    index("clients_user_updated_idx").on(t.userId, t.updatedAt, t.id).where(sql`${t.deletedAt} is null`),
    index("clients_user_status_idx").on(t.userId, t.status, t.sortName, t.id).where(sql`${t.deletedAt} is null`),
    index("clients_user_deleted_idx").on(t.userId, t.deletedAt, t.id).where(sql`${t.deletedAt} is not null`),
    index("clients_stage_idx").on(t.stageId),
  ],
);

export const clientNotes = pgTable(
  "client_notes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    clientId: uuid("client_id")
      .notNull()
      .references(() => clients.id, { onDelete: "cascade" }),
    /** Sealed with the data encryption key when key_version is set (see core/crypto/field-seal.ts). */
    body: text("body").notNull(),
    /** The data key version the body is sealed with; null: plain text (written before encryption). */
    keyVersion: integer("key_version"),
    version: integer("version").notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [index("client_notes_user_client_idx").on(t.userId, t.clientId, t.createdAt)],
);

export const activityLogs = pgTable(
  "activity_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Who did it: the user, or null for the system (jobs, sync). */
    actorId: uuid("actor_id"),
    entityType: text("entity_type").notNull(),
    entityId: uuid("entity_id").notNull(),
    /** The client the entry belongs to, so a client's page shows its notes' and bookings' history. */
    clientId: uuid("client_id"),
    action: text("action").notNull(),
    /** Changed fields: {field: {before, after}}; a summary for creates and deletes. */
    changes: jsonb("changes").$type<Record<string, { before: unknown; after: unknown }>>(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("activity_logs_user_id_idx").on(t.userId, t.id),
    index("activity_logs_user_entity_idx").on(t.userId, t.entityType, t.entityId, t.id),
    index("activity_logs_user_client_idx").on(t.userId, t.clientId, t.id),
    // The retention job deletes entries past their age across every owner, in small batches.
    index("activity_logs_created_idx").on(t.createdAt),
  ],
);
