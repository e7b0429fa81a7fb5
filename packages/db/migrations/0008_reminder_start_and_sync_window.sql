ALTER TABLE "email_messages" ADD COLUMN "for_starts_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calendar_connections" ADD COLUMN "full_synced_at" timestamp with time zone;--> statement-breakpoint
-- Reminders written before this column existed were made for the booking's current start.
UPDATE "email_messages" SET "for_starts_at" = b."starts_at" FROM "bookings" b WHERE b."id" = "email_messages"."booking_id" AND "email_messages"."kind" = 'reminder';
