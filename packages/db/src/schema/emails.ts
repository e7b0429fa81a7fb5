import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { bookings } from "./bookings";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const emailStatus = pgEnum("email_status", [
  "scheduled",
  "sending",
  "sent",
  "delivered",
  "bounced",
  "complained",
  "failed",
  "cancelled",
]);

/**
 * Every email the app sends or means to send (the outbox): a row is written when a reminder is
 * scheduled, and follows it through sending to delivery (Resend's webhooks) or failure.
 */
export const emailMessages = pgTable(
  "email_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    bookingId: uuid("booking_id").references(() => bookings.id, { onDelete: "set null" }),
    kind: text("kind").notNull(),
    toAddress: text("to_address"),
    subject: text("subject"),
    /** The plain-text part as sent, so the outbox (and Sent emails) shows what the client got. */
    textBody: text("text_body"),
    status: emailStatus("status").notNull().default("scheduled"),
    /** "resend" or "outbox", once sent. */
    provider: text("provider"),
    providerId: text("provider_id"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    scheduledFor: timestamptz("scheduled_for"),
    /** For reminders: the booking start they were made for, so an edit that keeps the start never sends again. */
    forStartsAt: timestamptz("for_starts_at"),
    jobId: text("job_id"),
    sentAt: timestamptz("sent_at"),
    deliveredAt: timestamptz("delivered_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("email_messages_user_created_idx").on(t.userId, t.createdAt, t.id),
    index("email_messages_user_booking_idx").on(t.userId, t.bookingId, t.createdAt),
    uniqueIndex("email_messages_provider_id_key").on(t.providerId).where(sql`${t.providerId} is not null`),
    // The retention job scrubs old bodies in batches: only messages that still carry one are indexed.
    index("email_messages_unscrubbed_created_idx")
      .on(t.createdAt)
      .where(sql`${t.subject} is not null or ${t.textBody} is not null`),
  ],
);
