DROP INDEX "clients_user_search_idx";--> statement-breakpoint
ALTER TABLE "clients" DROP CONSTRAINT "clients_stage_position_key";--> statement-breakpoint
-- The extensions came with this migration; a later one that needs them creates them again.
DROP EXTENSION IF EXISTS btree_gin;--> statement-breakpoint
DROP EXTENSION IF EXISTS pg_trgm;
