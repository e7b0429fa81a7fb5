ALTER TABLE "calendar_connections" DROP COLUMN "channel_opened_at";
