DROP TABLE "two_factor_recovery_codes";--> statement-breakpoint
DROP TABLE "two_factor_challenges";--> statement-breakpoint
DROP TABLE "rate_limit_counters";--> statement-breakpoint
DROP TABLE "encryption_keys";--> statement-breakpoint
DROP TABLE "account_tokens";--> statement-breakpoint
DROP TABLE "account_emails";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "two_factor_enabled_at";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "two_factor_secret";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "email_verified_at";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "ip";
