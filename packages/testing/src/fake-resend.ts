/**
 * A fake Resend API: a real HTTP server on a random loopback port, meant to be driven by the real `resend`
 * SDK (`new Resend(apiKey, {baseUrl: fake.url})`). It implements `POST /emails` and `GET /emails/:id` with
 * Resend's auth, validation, idempotency and error shapes, lets tests inject faults and delays, and sends
 * webhooks signed the way Resend (Svix) signs them.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SentEmail {
  /** The id answered to the client (Resend's email id). */
  id: string;
  /** The JSON body as received (snake_case, as the SDK sends it). */
  payload: Record<string, unknown>;
  idempotencyKey: string | null;
  createdAt: Date;
}

export type FakeResendFaultStatus = 429 | 500 | 503 | 400 | 422 | 401 | 403;

export interface FakeResendFault {
  status: FakeResendFaultStatus;
  /** Resend's error name; defaults per status (429 → rate_limit_exceeded, 500 → internal_server_error, …). */
  name?: string;
  message?: string;
  /** How many requests in a row fail this way (default 1). */
  times?: number;
  /** Seconds for the `retry-after` header (429 defaults to 1; other statuses send it only when given). */
  retryAfter?: number;
  /** Send this text instead of the JSON error body (e.g. an HTML page from a proxy). */
  rawBody?: string;
}

export interface FakeResendWebhookEvent {
  /** e.g. "email.delivered", "email.bounced", "email.complained", "email.failed", "email.opened". */
  type: string;
  emailId: string;
  bounce?: { type: "Permanent" | "Transient"; message: string; subType?: string };
  /** `data.failed.reason` for email.failed. */
  failedReason?: string;
  /** The event's `created_at` (default now). The signature always uses the real current time. */
  createdAt?: Date;
}

export interface FakeResend {
  /** http://127.0.0.1:PORT, no trailing slash: pass it as the SDK's `baseUrl`. */
  readonly url: string;
  readonly apiKey: string;
  /** "whsec_" + base64, the secret the fake signs webhooks with. */
  readonly webhookSecret: string;
  /** Emails accepted, in order. Cleared (in place) by reset(). */
  readonly sent: SentEmail[];
  /** HTTP requests received, whatever their outcome. */
  readonly requests: number;
  /**
   * Idempotency keys that came again after a success and were answered from the cache (no new email,
   * as Resend does). A caller that should never repeat a send asserts this stays empty.
   */
  readonly replayedKeys: string[];
  /** The next request(s) answer this error instead of being processed. Calls queue up. */
  fail(next: FakeResendFault): void;
  /** The next `times` (default 1) requests are held `ms` before being processed (to trigger client timeouts). */
  delay(ms: number, times?: number): void;
  /** Forgets emails, idempotency keys, faults, delays and the request count. */
  reset(): void;
  /** Resolves once every request received so far has been processed (delayed ones included). */
  settled(): Promise<void>;
  /** POSTs a signed Resend webhook for the event to `targetUrl`. */
  sendWebhook(targetUrl: string, event: FakeResendWebhookEvent): Promise<Response>;
  /** The webhook body and Svix headers sendWebhook would send, signed now, without sending them. */
  buildWebhook(event: FakeResendWebhookEvent): { body: string; headers: Record<string, string> };
  close(): Promise<void>;
}

interface ApiError {
  status: number;
  name: string;
  message: string;
}

interface StoredResponse {
  status: number;
  body: unknown;
}

interface IdempotencyEntry {
  fingerprint: string;
  response: StoredResponse | null; // null while the first request is still being processed
}

const RATE_LIMIT = 5;
const MAX_RECIPIENTS = 50;
const MAX_IDEMPOTENCY_KEY_LENGTH = 256;
const MAX_ATTACHMENTS_BYTES = 40 * 1024 * 1024;
const TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ADDRESS_PATTERN = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

const DEFAULT_FAULTS: Record<FakeResendFaultStatus, { name: string; message: string }> = {
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

export async function startFakeResend(options: { apiKey?: string; port?: number } = {}): Promise<FakeResend> {
  const apiKey = options.apiKey ?? `re_fake_${randomBytes(12).toString("hex")}`;
  const webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
  const sent: SentEmail[] = [];
  const replayedKeys: string[] = [];
  const emails = new Map<string, SentEmail>();
  const idempotency = new Map<string, IdempotencyEntry>();
  const faults: { fault: FakeResendFault; left: number }[] = [];
  const delays: { ms: number; left: number }[] = [];
  const pending = new Set<Promise<void>>();
  let requests = 0;

  const takeFault = (): FakeResendFault | undefined => {
    const head = faults[0];
    if (!head) return undefined;
    head.left -= 1;
    if (head.left <= 0) faults.shift();
    return head.fault;
  };
  const takeDelay = (): number => {
    const head = delays[0];
    if (!head) return 0;
    head.left -= 1;
    if (head.left <= 0) delays.shift();
    return head.ms;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests += 1;
    const raw = await readBody(req);
    const path = new URL(req.url ?? "/", "http://fake").pathname.replace(/\/+$/, "");
    const method = req.method ?? "GET";

    const authError = checkAuth(req.headers.authorization, apiKey);
    if (authError) return sendError(res, authError);

    if (path === "/emails") {
      if (method !== "POST") return sendError(res, methodNotAllowed());
      return createEmail(req, res, raw);
    }
    const match = /^\/emails\/([^/]+)$/.exec(path);
    if (match?.[1]) {
      if (method !== "GET") return sendError(res, methodNotAllowed());
      if (await delayAndFault(res)) return;
      const email = emails.get(decodeURIComponent(match[1]));
      if (!email) return sendError(res, { status: 404, name: "not_found", message: "Email not found" });
      return sendJson(res, 200, emailResource(email));
    }
    return sendError(res, { status: 404, name: "not_found", message: "The requested endpoint does not exist." });
  }

  /** Applies the next delay and fault; true when a fault answered the request. */
  async function delayAndFault(res: ServerResponse): Promise<boolean> {
    const ms = takeDelay();
    if (ms > 0) await sleep(ms);
    const fault = takeFault();
    if (!fault) return false;
    sendFault(res, fault);
    return true;
  }

  async function createEmail(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendError(res, { status: 400, name: "validation_error", message: "Invalid JSON in the request body." });
    }

    const key = headerValue(req.headers["idempotency-key"]);
    if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      return sendError(res, {
        status: 400,
        name: "invalid_idempotency_key",
        message: `The key must be between 1-${MAX_IDEMPOTENCY_KEY_LENGTH} chars.`,
      });
    }
    const fingerprint = canonicalJson(body);
    if (key !== undefined) {
      const entry = idempotency.get(key);
      if (entry && entry.fingerprint !== fingerprint) {
        return sendError(res, {
          status: 409,
          name: "invalid_idempotent_request",
          message:
            "Same idempotency key used with a different request payload. Change your idempotency key or payload.",
        });
      }
      if (entry && entry.response === null) {
        return sendError(res, {
          status: 409,
          name: "concurrent_idempotent_requests",
          message:
            "Same idempotency key used while original request is still in progress. Try the request again later.",
        });
      }
      if (entry?.response) {
        replayedKeys.push(key);
        return sendJson(res, entry.response.status, entry.response.body);
      }
      idempotency.set(key, { fingerprint, response: null });
    }

    // From here on the request is "in progress": a same-key request meanwhile gets 409 concurrent.
    // A client that gave up (timeout) does not stop the processing, as on the real service.
    const forget = () => {
      if (key !== undefined) idempotency.delete(key);
    };
    if (await delayAndFault(res)) return forget();
    const invalid = validateEmail(body);
    if (invalid) {
      forget();
      return sendError(res, invalid);
    }

    const email: SentEmail = {
      id: randomUUID(),
      payload: body as Record<string, unknown>,
      idempotencyKey: key ?? null,
      createdAt: new Date(),
    };
    sent.push(email);
    emails.set(email.id, email);
    const response = { status: 200, body: { id: email.id } };
    if (key !== undefined) idempotency.set(key, { fingerprint, response });
    sendJson(res, response.status, response.body);
  }

  const server = createServer((req, res) => {
    const done = handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendError(res, { status: 500, name: "application_error", message: `Fake Resend failed: ${String(error)}` });
      }
    });
    const tracked = done.finally(() => pending.delete(tracked));
    pending.add(tracked);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  function buildWebhook(event: FakeResendWebhookEvent): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify(webhookPayload(event, emails.get(event.emailId)));
    const id = `msg_${randomBytes(16).toString("hex")}`;
    // The verifier allows ±5 min against the real clock, so this must never come from a test clock.
    const timestamp = Math.floor(Date.now() / 1000);
    return {
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "Svix-Webhooks/1.0 (fake-resend)",
        "svix-id": id,
        "svix-timestamp": String(timestamp),
        "svix-signature": signResendWebhook({ secret: webhookSecret, id, timestamp, body }),
      },
    };
  }

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    webhookSecret,
    sent,
    replayedKeys,
    get requests() {
      return requests;
    },
    fail(next) {
      faults.push({ fault: next, left: next.times ?? 1 });
    },
    delay(ms, times = 1) {
      delays.push({ ms, left: times });
    },
    reset() {
      sent.length = 0;
      replayedKeys.length = 0;
      emails.clear();
      idempotency.clear();
      faults.length = 0;
      delays.length = 0;
      requests = 0;
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    buildWebhook,
    async sendWebhook(targetUrl, event) {
      const { body, headers } = buildWebhook(event);
      return fetch(targetUrl, { method: "POST", headers, body });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/**
 * The Svix / Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`, keyed
 * with the base64-decoded secret after `whsec_`. `timestamp` is in Unix seconds.
 */
export function signResendWebhook(input: { secret: string; id: string; timestamp: number; body: string }): string {
  const key = Buffer.from(input.secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key).update(`${input.id}.${input.timestamp}.${input.body}`).digest("base64");
  return `v1,${mac}`;
}

function webhookPayload(event: FakeResendWebhookEvent, email: SentEmail | undefined): Record<string, unknown> {
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

function emailResource(email: SentEmail): Record<string, unknown> {
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

function checkAuth(authorization: string | undefined, apiKey: string): ApiError | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) {
    return {
      status: 401,
      name: "missing_api_key",
      message:
        "Missing API key in the authorization header. Include the following header Authorization: Bearer YOUR_API_KEY in the request.",
    };
  }
  if (match[1] !== apiKey) return { status: 403, name: "invalid_api_key", message: "API key is invalid" };
  return null;
}

function methodNotAllowed(): ApiError {
  return { status: 405, name: "method_not_allowed", message: "Method is not allowed for the requested path." };
}

/** Resend's checks on POST /emails, in the order a client most likely trips them. */
function validateEmail(body: unknown): ApiError | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { status: 400, name: "validation_error", message: "The request body must be a JSON object." };
  }
  const b = body as Record<string, unknown>;
  const usesTemplate = b.template !== undefined && b.template !== null;

  if (!usesTemplate || b.from !== undefined) {
    const error = checkAddresses(b.from, "from", { required: !usesTemplate, single: true });
    if (error) return error;
  }
  const toError = checkAddresses(b.to, "to", { required: true, single: false });
  if (toError) return toError;
  if (b.subject === undefined || b.subject === null || b.subject === "") {
    if (!usesTemplate) return missing("subject");
  } else if (typeof b.subject !== "string") {
    return invalid("subject", "It must be a string.");
  }
  for (const field of ["cc", "bcc", "reply_to"] as const) {
    const error = checkAddresses(b[field], field, { required: false, single: false });
    if (error) return error;
  }
  for (const field of ["html", "text"] as const) {
    if (b[field] !== undefined && b[field] !== null && typeof b[field] !== "string") {
      return invalid(field, "It must be a string.");
    }
  }
  if (!usesTemplate && !nonEmptyString(b.html) && !nonEmptyString(b.text)) {
    return { status: 422, name: "missing_required_field", message: "Missing `html` or `text` field." };
  }
  if (b.headers !== undefined && b.headers !== null) {
    const ok =
      typeof b.headers === "object" &&
      !Array.isArray(b.headers) &&
      Object.values(b.headers).every((value) => typeof value === "string");
    if (!ok) return invalid("headers", "It must be an object of string values.");
  }
  if (b.tags !== undefined && b.tags !== null) {
    const ok =
      Array.isArray(b.tags) &&
      b.tags.every(
        (tag) =>
          typeof tag === "object" &&
          tag !== null &&
          typeof tag.name === "string" &&
          typeof tag.value === "string" &&
          TAG_PATTERN.test(tag.name) &&
          TAG_PATTERN.test(tag.value),
      );
    if (!ok) {
      return invalid(
        "tags",
        "Tag names and values can only contain ASCII letters, numbers, underscores or dashes, up to 256 characters.",
      );
    }
  }
  if (b.scheduled_at !== undefined && b.scheduled_at !== null) {
    if (typeof b.scheduled_at !== "string" || Number.isNaN(Date.parse(b.scheduled_at))) {
      return invalid("scheduled_at", "It must be an ISO 8601 date.");
    }
  }
  return checkAttachments(b.attachments);
}

function checkAttachments(attachments: unknown): ApiError | null {
  if (attachments === undefined || attachments === null) return null;
  const bad = (message: string): ApiError => ({
    status: 422,
    name: "invalid_attachment",
    message: `Invalid \`attachments\` field. ${message}`,
  });
  if (!Array.isArray(attachments)) return bad("It must be an array.");
  let bytes = 0;
  for (const [index, attachment] of attachments.entries()) {
    if (typeof attachment !== "object" || attachment === null) return bad(`Attachment ${index} must be an object.`);
    const a = attachment as Record<string, unknown>;
    if (typeof a.path === "string" && a.path !== "") continue;
    if (typeof a.content !== "string" || a.content === "") {
      return bad(`Attachment ${index} needs \`content\` (base64) or \`path\`.`);
    }
    if (!BASE64_PATTERN.test(a.content)) return bad(`Attachment ${index} \`content\` must be base64.`);
    if (typeof a.filename !== "string" || a.filename === "") {
      return bad(`Attachment ${index} needs a \`filename\`.`);
    }
    if (a.content_type !== undefined && typeof a.content_type !== "string") {
      return bad(`Attachment ${index} \`content_type\` must be a string.`);
    }
    bytes += Buffer.byteLength(a.content, "base64");
  }
  if (bytes > MAX_ATTACHMENTS_BYTES) return bad("Attachments can be at most 40MB per email.");
  return null;
}

function checkAddresses(
  value: unknown,
  field: string,
  options: { required: boolean; single: boolean },
): ApiError | null {
  const empty = value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
  if (empty) return options.required ? missing(field) : null;
  const list = typeof value === "string" ? [value] : Array.isArray(value) && !options.single ? value : null;
  if (!list?.every((item) => typeof item === "string")) {
    return invalid(field, options.single ? "It must be a string." : "It must be a string or an array of strings.");
  }
  if (list.length > MAX_RECIPIENTS) return invalid(field, `The maximum number of recipients is ${MAX_RECIPIENTS}.`);
  for (const item of list as string[]) {
    if (!isAddress(item)) {
      return invalid(
        field,
        "The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
      );
    }
  }
  return null;
}

function isAddress(value: string): boolean {
  const trimmed = value.trim();
  const named = /^[^<>]*<([^<>]+)>$/.exec(trimmed);
  return ADDRESS_PATTERN.test(named?.[1]?.trim() ?? trimmed);
}

function missing(field: string): ApiError {
  return { status: 422, name: "missing_required_field", message: `Missing \`${field}\` field.` };
}

function invalid(field: string, detail: string): ApiError {
  return { status: 400, name: "validation_error", message: `Invalid \`${field}\` field. ${detail}` };
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

function toList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function rateLimitHeaders(remaining: number, resetSeconds: number): Record<string, string> {
  return {
    "ratelimit-limit": String(RATE_LIMIT),
    "ratelimit-remaining": String(remaining),
    "ratelimit-reset": String(resetSeconds),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...rateLimitHeaders(RATE_LIMIT - 1, 1), ...headers });
  res.end(JSON.stringify(body));
}

/** Resend's error body: `{statusCode, name, message}`, which the SDK hands back as `error` unchanged. */
function sendError(res: ServerResponse, error: ApiError, headers: Record<string, string> = {}): void {
  sendJson(res, error.status, { statusCode: error.status, name: error.name, message: error.message }, headers);
}

function sendFault(res: ServerResponse, fault: FakeResendFault): void {
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
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    const done = () => resolve(Buffer.concat(chunks).toString("utf8"));
    req.on("end", done);
    req.on("close", done); // a client that hung up mid-body: process what arrived (it fails validation)
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
