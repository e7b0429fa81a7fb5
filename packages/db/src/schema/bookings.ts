import { sql } from "drizzle-orm";
import { check, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { clients } from "./clients";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const bookingStatus = pgEnum("booking_status", ["proposed", "confirmed", "completed", "cancelled"]);

/**
 * A session with a client. Proposed and confirmed bookings of one owner never overlap: an
 * exclusion constraint (btree_gist over tstzrange(starts_at, ends_at, '[)')) added in migration
 * 0004, since drizzle cannot declare one. Back-to-back bookings are fine ('[)' ranges).
 */
export const bookings = pgTable(
  "bookings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Null only for blocks that came from an outside calendar (Google "busy" time). */
    clientId: uuid("client_id").references(() => clients.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    startsAt: timestamptz("starts_at").notNull(),
    endsAt: timestamptz("ends_at").notNull(),
    location: text("location"),
    notes: text("notes"),
    status: bookingStatus("status").notNull().default("proposed"),
    /** The client's own zone, when they are elsewhere; times are shown in both. */
    timeZone: text("time_zone"),
    version: integer("version").notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    /** Why this booking has no reminder, when it has none (shown on the booking). */
    reminderNote: text("reminder_note"),
    /** Set with the client's soft delete (same instant), cleared with its restore. */
    deletedAt: timestamptz("deleted_at"),
  },
  (t) => [
    check("bookings_ends_after_start", sql`${t.endsAt} > ${t.startsAt}`),
    check("bookings_at_most_a_day", sql`${t.endsAt} - ${t.startsAt} <= interval '24 hours'`),
    index("bookings_user_starts_idx").on(t.userId, t.startsAt).where(sql`${t.deletedAt} is null`),
    index("bookings_user_client_idx").on(t.userId, t.clientId, t.startsAt),
  ],
);

/** A private, revocable calendar feed per user: only the SHA-256 of its secret is stored. */
export const calendarFeeds = pgTable("calendar_feeds", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
