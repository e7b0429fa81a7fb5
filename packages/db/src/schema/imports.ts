import { customType, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const importStatus = pgEnum("import_status", [
  "uploaded",
  "queued",
  "running",
  "completed",
  "failed",
  "cancelled",
]);
export const duplicatePolicy = pgEnum("import_duplicate_policy", ["skip", "update", "ask"]);

/**
 * A CSV import: the uploaded file (kept until the import ends), the mapping and choices the user
 * made, live progress, and the rows that failed with their reasons.
 */
export const imports = pgTable(
  "imports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    content: bytea("content"),
    status: importStatus("status").notNull().default("uploaded"),
    mapping: jsonb("mapping").$type<Record<string, string | null>>(),
    duplicatePolicy: duplicatePolicy("duplicate_policy").notNull().default("skip"),
    /** For "ask": the user's decision per line ("skip" or "update"). */
    decisions: jsonb("decisions").$type<Record<string, "skip" | "update">>(),
    totalRows: integer("total_rows").notNull().default(0),
    processedRows: integer("processed_rows").notNull().default(0),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    failures: jsonb("failures").$type<{ line: number; values: string[]; reason: string }[]>(),
    headers: jsonb("headers").$type<string[]>(),
    error: text("error"),
    cancelRequested: integer("cancel_requested").notNull().default(0),
    /** Written every few seconds by a live run: a running import whose heartbeat stopped is an orphan. */
    heartbeatAt: timestamptz("heartbeat_at"),
    /**
     * The database session holding the run's transaction (its backend pid and transaction start), so
     * settling an orphan can end that transaction if it is still open.
     */
    runPid: integer("run_pid"),
    runXactStart: timestamptz("run_xact_start"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
  },
  (t) => [index("imports_user_created_idx").on(t.userId, t.createdAt)],
);
