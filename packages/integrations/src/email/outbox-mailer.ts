import type { Mailer, OutgoingEmail, SendResult } from "./types";

export interface OutboxMailerOptions {
  /** Receives one line per email. */
  log: (line: string) => void;
}

/**
 * The Mailer used when no Resend key is configured. The email row already lives in our database (the
 * outbox, shown on the Sent emails page), so "sending" only logs it and always succeeds.
 */
export function createOutboxMailer(options: OutboxMailerOptions): Mailer {
  return {
    kind: "outbox",
    async send(email: OutgoingEmail): Promise<SendResult> {
      // JSON.stringify keeps the line a single line whatever the subject holds.
      options.log(`[outbox] email ${email.id} to ${JSON.stringify(email.to)}: ${JSON.stringify(email.subject)}`);
      return { ok: true, providerId: `outbox_${email.id}` };
    },
  };
}
