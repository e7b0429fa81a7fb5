DROP TABLE "calendar_feeds";--> statement-breakpoint
DROP TABLE "bookings";--> statement-breakpoint
DROP TYPE "public"."booking_status";
