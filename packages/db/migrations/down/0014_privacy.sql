-- Sealed notes cannot go back to a schema that does not know they are sealed: older code would show
-- the ciphertext as the note. So this refuses while any sealed note exists.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "client_notes" WHERE "key_version" IS NOT NULL)
     OR EXISTS (SELECT 1 FROM "bookings" WHERE "notes_key_version" IS NOT NULL) THEN
    RAISE EXCEPTION 'sealed notes exist: reverting 0014_privacy would leave them unreadable';
  END IF;
END $$;--> statement-breakpoint
DROP INDEX "users_deletion_scheduled_idx";--> statement-breakpoint
DROP TABLE "retention_runs";--> statement-breakpoint
DROP TABLE "account_export_chunks";--> statement-breakpoint
DROP TABLE "account_exports";--> statement-breakpoint
DROP TYPE "public"."account_export_status";--> statement-breakpoint
ALTER TABLE "clients" DROP COLUMN "marketing_consent_at";--> statement-breakpoint
ALTER TABLE "clients" DROP COLUMN "marketing_consent";--> statement-breakpoint
ALTER TABLE "clients" DROP COLUMN "consent_source";--> statement-breakpoint
ALTER TABLE "clients" DROP COLUMN "consent_given_at";--> statement-breakpoint
ALTER TABLE "clients" DROP COLUMN "consent_basis";--> statement-breakpoint
DROP TYPE "public"."consent_basis";--> statement-breakpoint
ALTER TABLE "client_notes" DROP COLUMN "key_version";--> statement-breakpoint
ALTER TABLE "bookings" DROP COLUMN "notes_key_version";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "deletion_scheduled_for";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "deletion_requested_at";
