-- Typo-tolerant client search (similarity over the owner's rows).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- No two cards share a place in a stage. Deferred to commit, so a move can renumber a column in
-- any order inside its transaction. NULL positions (Trash, outside the pipeline) never collide.
ALTER TABLE "clients" ADD CONSTRAINT "clients_stage_position_key"
  UNIQUE ("user_id", "stage_id", "position") DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
-- Full-text index that leads with the owner (btree_gin), so a search never walks other owners' rows.
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
CREATE INDEX "clients_user_search_idx" ON "clients" USING gin ("user_id", "search") WHERE "deleted_at" IS NULL;
