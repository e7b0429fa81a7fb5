ALTER TABLE "encryption_keys" DROP COLUMN "retired_at";
