ALTER TABLE "email_messages" DROP COLUMN "text_body";
