DROP TABLE "activity_logs";--> statement-breakpoint
DROP TABLE "client_notes";--> statement-breakpoint
DROP TABLE "clients";--> statement-breakpoint
DROP TABLE "pipeline_stages";--> statement-breakpoint
DROP TYPE "public"."client_status";
