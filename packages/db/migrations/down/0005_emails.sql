DROP TABLE "email_messages";--> statement-breakpoint
DROP TYPE "public"."email_status";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "reminder_note";
