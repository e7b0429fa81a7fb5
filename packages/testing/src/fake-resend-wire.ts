/** The fake Resend's wire formats: its resources, webhooks, errors and rate-limit headers. */
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeResendFault, FakeResendFaultStatus, FakeResendWebhookEvent, SentEmail } from "./fake-resend";
import { type ApiError, toList } from "./fake-resend-checks";

export const RATE_LIMIT = 5;

export const DEFAULT_FAULTS: Record<FakeResendFaultStatus, { name: string; message: string }> = {
  400: { name: "validation_error", message: "Invalid request." },
  401: { name: "missing_api_key", message: "Missing API key in the authorization header." },
  403: { name: "invalid_api_key", message: "API key is invalid" },
  422: { name: "missing_required_field", message: "Missing `to` field." },
  429: {
    name: "rate_limit_exceeded",
    message: `Too many requests. You can only make ${RATE_LIMIT} requests per second. See rate limit response headers for more information.`,
  },
  500: {
    name: "internal_server_error",
    message: "An unexpected error occurred, please try again later.",
  },
  503: {
    name: "application_error",
    message: "The service is temporarily unavailable, please try again later.",
  },
};

/**
 * The Svix / Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`, keyed
 * with the base64-decoded secret after `whsec_`. `timestamp` is in Unix seconds.
 */
export function signResendWebhook(input: { secret: string; id: string; timestamp: number; body: string }): string {
  const key = Buffer.from(input.secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key).update(`${input.id}.${input.timestamp}.${input.body}`).digest("base64");
  return `v1,${mac}`;
}

export function webhookPayload(event: FakeResendWebhookEvent, email: SentEmail | undefined): Record<string, unknown> {
  const now = new Date();
  const payload = email?.payload ?? {};
  const tags = Array.isArray(payload.tags)
    ? Object.fromEntries(
        (payload.tags as { name: string; value: string }[]).map((tag) => [String(tag.name), String(tag.value)]),
      )
    : undefined;
  const data: Record<string, unknown> = {
    created_at: (email?.createdAt ?? now).toISOString(),
    email_id: event.emailId,
    from: typeof payload.from === "string" ? payload.from : "Fake Sender <sender@example.com>",
    to: toList(payload.to) ?? ["recipient@example.com"],
    subject: typeof payload.subject === "string" ? payload.subject : "Test email",
    message_id: `<${event.emailId}@email.amazonses.com>`,
    // Webhooks carry tags as an object, unlike the array used when sending.
    ...(tags ? { tags } : {}),
  };
  if (event.type === "email.bounced") {
    const type = event.bounce?.type ?? "Permanent";
    data.bounce = {
      message:
        event.bounce?.message ??
        (type === "Permanent"
          ? "The recipient's email provider sent a hard bounce message."
          : "The recipient's inbox is full."),
      subType: event.bounce?.subType ?? (type === "Permanent" ? "General" : "MailboxFull"),
      type,
    };
  }
  if (event.type === "email.failed") data.failed = { reason: event.failedReason ?? "reached_daily_quota" };
  if (event.type === "email.suppressed") {
    data.suppressed = { message: "The recipient is on the suppression list.", type: "OnAccountSuppressionList" };
  }
  if (event.type === "email.clicked") {
    data.click = {
      ipAddress: "127.0.0.1",
      link: "https://example.com/",
      timestamp: now.toISOString(),
      userAgent: "Mozilla/5.0",
    };
  }
  return { type: event.type, created_at: (event.createdAt ?? now).toISOString(), data };
}

export function emailResource(email: SentEmail): Record<string, unknown> {
  const p = email.payload;
  const str = (value: unknown) => (typeof value === "string" ? value : null);
  return {
    object: "email",
    id: email.id,
    to: toList(p.to) ?? [],
    from: p.from,
    created_at: email.createdAt.toISOString(),
    subject: p.subject,
    html: str(p.html),
    text: str(p.text),
    bcc: toList(p.bcc) ?? null,
    cc: toList(p.cc) ?? null,
    reply_to: toList(p.reply_to) ?? null,
    message_id: `<${email.id}@email.amazonses.com>`,
    last_event: "delivered",
    scheduled_at: str(p.scheduled_at),
    ...(Array.isArray(p.tags) ? { tags: p.tags } : {}),
  };
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function rateLimitHeaders(remaining: number, resetSeconds: number): Record<string, string> {
  return {
    "ratelimit-limit": String(RATE_LIMIT),
    "ratelimit-remaining": String(remaining),
    "ratelimit-reset": String(resetSeconds),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...rateLimitHeaders(RATE_LIMIT - 1, 1), ...headers });
  res.end(JSON.stringify(body));
}

/** Resend's error body: `{statusCode, name, message}`, which the SDK hands back as `error` unchanged. */
export function sendError(res: ServerResponse, error: ApiError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, { statusCode: error.status, name: error.name, message: error.message }, headers);
}

export function sendFault(res: ServerResponse, fault: FakeResendFault): void {
  const defaults = DEFAULT_FAULTS[fault.status];
  const retryAfter = fault.retryAfter ?? (fault.status === 429 ? 1 : undefined);
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  if (fault.status === 429) Object.assign(headers, rateLimitHeaders(0, retryAfter ?? 1));
  if (fault.rawBody !== undefined) {
    if (res.headersSent) return;
    res.writeHead(fault.status, { "content-type": "text/html", ...headers });
    res.end(fault.rawBody);
    return;
  }
  sendError(
    res,
    { status: fault.status, name: fault.name ?? defaults.name, message: fault.message ?? defaults.message },
    headers,
  );
}

/** JSON with object keys sorted, so the same payload always fingerprints the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    const done = () => resolve(Buffer.concat(chunks).toString("utf8"));
    req.on("end", done);
    req.on("close", done); // a client that hung up mid-body: process what arrived (it fails validation)
    req.on("error", reject);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
