/** What the outside world provides to the domain. Tests pass fakes; apps pass the real thing. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand, so expiries and reminders are tested without sleeping. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: Date | string = "2026-01-15T12:00:00Z") {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(to: Date | string): void {
    this.#now = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** An email to send; `id` is our email_messages id and the provider's idempotency key. */
export interface OutgoingEmail {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: string; contentType: string }[];
  tags?: { name: string; value: string }[];
}

export type SendResult =
  | { ok: true; providerId: string }
  | { ok: false; retryable: boolean; reason: string; retryAfterSeconds?: number };

/** Resend when configured, else the outbox (the database and the log). */
export interface Mailer {
  readonly kind: "resend" | "outbox";
  send(email: OutgoingEmail): Promise<SendResult>;
}
