DROP INDEX "email_messages_unscrubbed_created_idx";--> statement-breakpoint
DROP INDEX "activity_logs_created_idx";
