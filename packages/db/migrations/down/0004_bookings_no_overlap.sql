ALTER TABLE "bookings" DROP CONSTRAINT "bookings_no_overlap";--> statement-breakpoint
DROP EXTENSION IF EXISTS btree_gist;
