-- No double booking, enforced by PostgreSQL itself so it holds under any concurrency:
-- proposed and confirmed bookings of one owner may not overlap. '[)' ranges let one booking end
-- exactly when the next starts. Cancelled, completed and trashed bookings never block.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap"
  EXCLUDE USING gist ("user_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" IN ('proposed', 'confirmed') AND "deleted_at" IS NULL);
