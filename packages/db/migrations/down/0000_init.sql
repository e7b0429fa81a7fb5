DROP TABLE "session_tokens";--> statement-breakpoint
DROP TABLE "sessions";--> statement-breakpoint
DROP TABLE "login_attempts";--> statement-breakpoint
DROP TABLE "users";
