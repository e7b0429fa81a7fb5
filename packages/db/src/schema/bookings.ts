import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { clients } from "./clients";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const bookingStatus = pgEnum("booking_status", ["proposed", "confirmed", "completed", "cancelled"]);

/**
 * A session with a client. Proposed and confirmed bookings of one owner never overlap: an
 * exclusion constraint (btree_gist over tstzrange(starts_at, ends_at, '[)')) added in migration
 * 0004, since drizzle cannot declare one. Back-to-back bookings are fine ('[)' ranges). Migration
 * 0007 exempts bookings flagged with a sync conflict (see `syncConflict`).
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
    /** Sealed with the data encryption key when notes_key_version is set (see core/crypto/field-seal.ts). */
    notes: text("notes"),
    notesKeyVersion: integer("notes_key_version"),
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
    /** "crm" (made here) or "google" (came from the user's Google Calendar). */
    source: text("source").notNull().default("crm"),
    /** An all-day event from Google: starts and ends at local midnight in the user's zone. */
    allDay: boolean("all_day").notNull().default(false),
    /** The linked Google Calendar event, its etag and its `updated` as last seen. */
    googleEventId: text("google_event_id"),
    googleEtag: text("google_etag"),
    googleUpdatedAt: timestamptz("google_updated_at"),
    /**
     * Outbound sync bookkeeping: every change Google should see bumps `change_seq`; the push job
     * sets `pushed_seq` to the value it pushed. change_seq > pushed_seq means "not in Google yet",
     * and an edit made while a push is in flight stays pending.
     */
    changeSeq: integer("change_seq").notNull().default(1),
    pushedSeq: integer("pushed_seq").notNull().default(0),
    /**
     * Set when Google moved this booking onto a slot another booking holds: kept, shown to the user,
     * and exempt from the no-overlap constraint until resolved (rescheduled, cancelled or freed).
     */
    syncConflict: text("sync_conflict"),
    /** A sync outcome the user should see on the booking (e.g. Google's version kept). */
    syncNotice: text("sync_notice"),
  },
  (t) => [
    check("bookings_ends_after_start", sql`${t.endsAt} > ${t.startsAt}`),
    check("bookings_at_most_a_day", sql`${t.endsAt} - ${t.startsAt} <= interval '24 hours' or ${t.source} = 'google'`),
    index("bookings_user_starts_idx").on(t.userId, t.startsAt).where(sql`${t.deletedAt} is null`),
    index("bookings_user_client_idx").on(t.userId, t.clientId, t.startsAt),
    uniqueIndex("bookings_user_google_event_key")
      .on(t.userId, t.googleEventId)
      .where(sql`${t.googleEventId} is not null`),
    index("bookings_user_push_pending_idx").on(t.userId, t.startsAt).where(sql`${t.changeSeq} > ${t.pushedSeq}`),
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
