CREATE TYPE "public"."calendar_connection_status" AS ENUM('connected', 'paused', 'disconnected', 'error');--> statement-breakpoint
CREATE TABLE "calendar_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"provider" text DEFAULT 'google' NOT NULL,
	"account_email" text,
	"calendar_id" text DEFAULT 'primary' NOT NULL,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"access_token_expires_at" timestamp with time zone,
	"scopes" text,
	"status" "calendar_connection_status" DEFAULT 'connected' NOT NULL,
	"sync_token" text,
	"last_synced_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"paused_until" timestamp with time zone,
	"pushed_count" integer DEFAULT 0 NOT NULL,
	"pulled_count" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"channel_id" text,
	"channel_resource_id" text,
	"channel_token" text,
	"channel_expires_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_connections_user_id_unique" UNIQUE("user_id")
);
--> statement-breakpoint
CREATE TABLE "calendar_oauth_states" (
	"state" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"code_verifier" text NOT NULL,
	"calendar_id" text DEFAULT 'primary' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "google_api_usage" (
	"minute" timestamp with time zone NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "google_api_usage_minute_pk" PRIMARY KEY("minute")
);
--> statement-breakpoint
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_at_most_a_day";--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "source" text DEFAULT 'crm' NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "all_day" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "google_event_id" text;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "google_etag" text;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "google_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "change_seq" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "pushed_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "sync_conflict" text;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "sync_notice" text;--> statement-breakpoint
ALTER TABLE "calendar_connections" ADD CONSTRAINT "calendar_connections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_oauth_states" ADD CONSTRAINT "calendar_oauth_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calendar_connections_channel_idx" ON "calendar_connections" USING btree ("channel_id") WHERE "calendar_connections"."channel_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "bookings_user_google_event_key" ON "bookings" USING btree ("user_id","google_event_id") WHERE "bookings"."google_event_id" is not null;--> statement-breakpoint
CREATE INDEX "bookings_user_push_pending_idx" ON "bookings" USING btree ("user_id","starts_at") WHERE "bookings"."change_seq" > "bookings"."pushed_seq";--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_at_most_a_day" CHECK ("bookings"."ends_at" - "bookings"."starts_at" <= interval '24 hours' or "bookings"."source" = 'google');--> statement-breakpoint
-- A booking Google moved onto a taken slot is kept but flagged (sync_conflict) for the user to
-- resolve; flagged bookings are exempt from the no-overlap rule until then.
ALTER TABLE "bookings" DROP CONSTRAINT "bookings_no_overlap";
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap"
  EXCLUDE USING gist ("user_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" IN ('proposed', 'confirmed') AND "deleted_at" IS NULL AND "sync_conflict" IS NULL);
