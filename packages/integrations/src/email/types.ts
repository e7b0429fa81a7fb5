/**
 * The email port, as the core sees it. Implementations: the Resend mailer (resend-mailer.ts) and the
 * outbox (outbox-mailer.ts); delivery events arrive through the Resend webhook (resend-webhook.ts).
 */

export interface OutgoingEmail {
  /** Our email_messages id; also the Resend idempotency key, so a retry never sends twice. */
  id: string;
  from: string; // "Name <a@b.c>"
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: string /* UTF-8 text, e.g. an .ics */; contentType: string }[];
  tags?: { name: string; value: string }[];
}

export type SendResult =
  /** providerId is null when the provider had already accepted this message (idempotency key reused). */
  | { ok: true; providerId: string | null }
  | { ok: false; retryable: boolean; reason: string; retryAfterSeconds?: number };

export interface Mailer {
  readonly kind: "resend" | "outbox";
  send(email: OutgoingEmail): Promise<SendResult>;
}

export type DeliveryEvent =
  | { type: "delivered"; providerId: string; at: Date }
  | { type: "bounced"; providerId: string; at: Date; reason: string; permanent: boolean }
  | { type: "complained"; providerId: string; at: Date }
  | { type: "failed"; providerId: string; at: Date; reason: string }
  | { type: "ignored"; eventType: string };
