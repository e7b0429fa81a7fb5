ALTER TABLE "imports" DROP COLUMN "run_xact_start";--> statement-breakpoint
ALTER TABLE "imports" DROP COLUMN "run_pid";--> statement-breakpoint
ALTER TABLE "imports" DROP COLUMN "heartbeat_at";
