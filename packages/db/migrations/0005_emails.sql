CREATE TYPE "public"."email_status" AS ENUM('scheduled', 'sending', 'sent', 'delivered', 'bounced', 'complained', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "email_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"booking_id" uuid,
	"kind" text NOT NULL,
	"to_address" text,
	"subject" text,
	"status" "email_status" DEFAULT 'scheduled' NOT NULL,
	"provider" text,
	"provider_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"scheduled_for" timestamp with time zone,
	"job_id" text,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "reminder_note" text;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_messages_user_created_idx" ON "email_messages" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "email_messages_user_booking_idx" ON "email_messages" USING btree ("user_id","booking_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "email_messages_provider_id_key" ON "email_messages" USING btree ("provider_id") WHERE "email_messages"."provider_id" is not null;