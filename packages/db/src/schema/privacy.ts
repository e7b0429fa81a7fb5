import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const accountExportStatus = pgEnum("account_export_status", ["queued", "running", "ready", "failed"]);

/**
 * An export of everything an account holds (privacy.exportAccount): built by a job, kept as a zip in
 * account_export_chunks so any server process can stream it back, and gone after it expires.
 */
export const accountExports = pgTable(
  "account_exports",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    status: accountExportStatus("status").notNull().default("queued"),
    /** 0..100, as the job moves through the kinds of records. */
    progress: integer("progress").notNull().default(0),
    /** The kind of record being written now ("clients", "notes"…), for the progress line. */
    stage: text("stage"),
    /** Size of the finished zip. */
    bytes: bigint("bytes", { mode: "number" }),
    error: text("error"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
    /** After this the download refuses and the retention job deletes the row and its bytes. */
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.id] }),
    index("account_exports_user_created_idx").on(t.userId, t.createdAt),
    index("account_exports_expires_idx").on(t.expiresAt),
  ],
);

/** The zip of an export, in order: chunks of up to a few MB, written as the job streams. */
export const accountExportChunks = pgTable(
  "account_export_chunks",
  {
    userId: uuid("user_id").notNull(),
    exportId: uuid("export_id").notNull(),
    seq: integer("seq").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.exportId, t.seq] }),
    foreignKey({
      columns: [t.userId, t.exportId],
      foreignColumns: [accountExports.userId, accountExports.id],
    }).onDelete("cascade"),
  ],
);

/**
 * When each retention task last completed (the scheduled jobs of docs/privacy.md), so /health can
 * warn when one has not run for two days. Not owned by a user: one row per task.
 */
export const retentionRuns = pgTable("retention_runs", {
  task: text("task").primaryKey(),
  lastRunAt: timestamptz("last_run_at").notNull(),
  /** What the last run removed or scrubbed, by kind ({"activity_logs": 12}). */
  lastResult: jsonb("last_result").$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
});
