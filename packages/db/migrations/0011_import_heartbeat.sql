ALTER TABLE "imports" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "run_pid" integer;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "run_xact_start" timestamp with time zone;