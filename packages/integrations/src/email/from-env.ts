import { createOutboxMailer } from "./outbox-mailer";
import { createResendMailer } from "./resend-mailer";
import type { Mailer } from "./types";

/**
 * The mailer the configuration asks for: Resend when RESEND_API_KEY is set (at RESEND_BASE_URL when
 * given), else the outbox. One place, so the server and `crm worker` can never send differently.
 */
export function mailerFromEnv(
  env: { RESEND_API_KEY?: string | undefined; RESEND_BASE_URL?: string | undefined },
  log: (line: string) => void,
): Mailer {
  return env.RESEND_API_KEY
    ? createResendMailer({ apiKey: env.RESEND_API_KEY, ...(env.RESEND_BASE_URL && { baseUrl: env.RESEND_BASE_URL }) })
    : createOutboxMailer({ log });
}
