-- Reverting Google sync: bookings that came from Google lose their link and would be duplicated by
-- a later reconnect, so they go (a reconnect pulls them again). A booking Google moved onto a taken
-- slot (sync_conflict) cannot stay active under the old no-overlap rule: it is cancelled.
DELETE FROM "bookings" WHERE "source" = 'google';--> statement-breakpoint
UPDATE "bookings" SET "status" = 'cancelled'
  WHERE "sync_conflict" IS NOT NULL AND "status" IN ('proposed', 'confirmed');--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_no_overlap";--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap"
  EXCLUDE USING gist ("user_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" IN ('proposed', 'confirmed') AND "deleted_at" IS NULL);--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_at_most_a_day";--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_at_most_a_day" CHECK ("bookings"."ends_at" - "bookings"."starts_at" <= interval '24 hours');--> statement-breakpoint
DROP INDEX "bookings_user_push_pending_idx";--> statement-breakpoint
DROP INDEX "bookings_user_google_event_key";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "sync_notice";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "sync_conflict";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "pushed_seq";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "change_seq";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "google_updated_at";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "google_etag";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "google_event_id";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "all_day";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "source";--> statement-breakpoint
DROP TABLE "google_api_usage";--> statement-breakpoint
DROP TABLE "calendar_oauth_states";--> statement-breakpoint
DROP TABLE "calendar_connections";--> statement-breakpoint
DROP TYPE "public"."calendar_connection_status";
