DROP TABLE "imports";--> statement-breakpoint
DROP TYPE "public"."import_status";--> statement-breakpoint
DROP TYPE "public"."import_duplicate_policy";
