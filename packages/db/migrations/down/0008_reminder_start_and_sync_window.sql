ALTER TABLE "calendar_connections" DROP COLUMN "full_synced_at";--> statement-breakpoint
ALTER TABLE "email_messages" DROP COLUMN "for_starts_at";
