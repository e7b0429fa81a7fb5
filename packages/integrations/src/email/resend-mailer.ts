import { type CreateEmailOptions, type ErrorResponse, Resend } from "resend";
import type { Mailer, OutgoingEmail, SendResult } from "./types";

/** Resend's production API. Passed explicitly so the SDK never falls back to its environment variable. */
export const RESEND_DEFAULT_BASE_URL = "https://api.resend.com";
export const RESEND_DEFAULT_TIMEOUT_MS = 10_000;

export interface ResendMailerOptions {
  apiKey: string;
  /** Defaults to https://api.resend.com; tests point it at the fake. A trailing slash is stripped. */
  baseUrl?: string;
  /** Per send; a send that takes longer is abandoned and reported retryable. Default 10 s. */
  timeoutMs?: number;
}

/** Resend keeps idempotency keys of 1–256 characters (24 h). */
const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

/** Error names that mean "try again later", whatever the status. */
const RETRYABLE_NAMES = new Set<string>([
  "rate_limit_exceeded",
  "daily_quota_exceeded",
  "monthly_quota_exceeded",
  "concurrent_idempotent_requests",
  "internal_server_error",
]);

/**
 * A Mailer that sends through Resend's SDK. The SDK never throws on HTTP errors and never retries; its
 * `{error: {statusCode, name, message}}` is mapped to a SendResult, and retrying is left to the job that
 * called us. The email id is the idempotency key, so a retry after a timeout never sends twice.
 */
export function createResendMailer(options: ResendMailerOptions): Mailer {
  if (!options.apiKey) throw new Error("createResendMailer: apiKey is required");
  const timeoutMs = options.timeoutMs ?? RESEND_DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`createResendMailer: timeoutMs must be a positive number, got ${timeoutMs}`);
  }
  const baseUrl = (options.baseUrl || RESEND_DEFAULT_BASE_URL).replace(/\/+$/, "");
  const resend = new Resend(options.apiKey, { baseUrl });

  return {
    kind: "resend",
    async send(email: OutgoingEmail): Promise<SendResult> {
      // The SDK leaves the Idempotency-Key header out when the key is empty: refuse rather than risk a double send.
      if (!email.id || email.id.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        return {
          ok: false,
          retryable: false,
          reason: `Email id must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters (it is the idempotency key)`,
        };
      }

      const controller = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => {
          controller.abort(new Error(`Timed out after ${timeoutMs} ms`));
          resolve("timeout");
        }, timeoutMs);
      });

      try {
        const outcome = await Promise.race([
          resend.emails.send(toResendPayload(email), { idempotencyKey: email.id, signal: controller.signal }),
          timedOut,
        ]);
        if (outcome === "timeout" || (outcome.error && controller.signal.aborted)) {
          return { ok: false, retryable: true, reason: `Timed out after ${timeoutMs} ms` };
        }
        // The same key with a different payload: an earlier attempt (one that timed out on our side)
        // went through and the booking changed since. The client has this reminder; do not send again.
        if (outcome.error?.name === "invalid_idempotent_request") return { ok: true, providerId: null };
        if (outcome.error) return fromResendError(outcome.error, outcome.headers);
        const providerId = outcome.data?.id;
        if (!providerId) return { ok: false, retryable: false, reason: "Resend answered without an email id" };
        return { ok: true, providerId };
      } catch (error) {
        // The SDK catches its own failures; this is a safety net. Retrying is safe thanks to the idempotency key.
        return { ok: false, retryable: true, reason: `Unexpected error from the Resend SDK: ${describe(error)}` };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Our port's email as the SDK's payload. Text attachments travel as base64 of their UTF-8 bytes. */
export function toResendPayload(email: OutgoingEmail): CreateEmailOptions {
  return {
    from: email.from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    ...(email.html === undefined ? {} : { html: email.html }),
    ...(email.attachments?.length
      ? {
          attachments: email.attachments.map((attachment) => ({
            filename: attachment.filename,
            content: Buffer.from(attachment.content, "utf8").toString("base64"),
            contentType: attachment.contentType,
          })),
        }
      : {}),
    ...(email.tags?.length ? { tags: email.tags.map(sanitizeTag).filter((tag) => tag.name !== "") } : {}),
  };
}

/**
 * Resend accepts only ASCII letters, digits, `_` and `-` (≤ 256 characters) in tag names and values and
 * refuses the whole email otherwise; a tag is metadata, so it is cleaned rather than let fail the send.
 */
function sanitizeTag(tag: { name: string; value: string }): { name: string; value: string } {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256);
  return { name: clean(tag.name), value: clean(tag.value) };
}

/** Maps the SDK's error (the server's JSON body, or its own `application_error`) to a failed SendResult. */
export function fromResendError(
  error: Pick<ErrorResponse, "statusCode" | "message"> & { name: string },
  headers: Record<string, string> | null,
): Extract<SendResult, { ok: false }> {
  const status = error.statusCode;
  const where = status === null ? "network error" : `HTTP ${status}`;
  const reason = `Resend ${where} ${error.name}: ${error.message}`;
  const retryable =
    error.name === "invalid_idempotent_request"
      ? false
      : RETRYABLE_NAMES.has(error.name) ||
        (error.name === "application_error" && status === null) ||
        status === 408 ||
        status === 429 ||
        (status !== null && status >= 500);
  if (!retryable) return { ok: false, retryable, reason };
  const retryAfterSeconds =
    parseRetryAfter(headers?.["retry-after"]) ??
    (status === 429 ? parseRetryAfter(headers?.["ratelimit-reset"]) : undefined);
  return retryAfterSeconds === undefined
    ? { ok: false, retryable, reason }
    : { ok: false, retryable, reason, retryAfterSeconds };
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
