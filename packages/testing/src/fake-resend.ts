/**
 * A fake Resend API: a real HTTP server on a random loopback port, meant to be driven by the real `resend`
 * SDK (`new Resend(apiKey, {baseUrl: fake.url})`). It implements `POST /emails` and `GET /emails/:id` with
 * Resend's auth, validation, idempotency and error shapes, lets tests inject faults and delays, and sends
 * webhooks signed the way Resend (Svix) signs them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkAuth, MAX_IDEMPOTENCY_KEY_LENGTH, methodNotAllowed, validateEmail } from "./fake-resend-checks";
import {
  canonicalJson,
  emailResource,
  headerValue,
  readBody,
  sendError,
  sendFault,
  sendJson,
  signResendWebhook,
  sleep,
  webhookPayload,
} from "./fake-resend-wire";

export { signResendWebhook } from "./fake-resend-wire";

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

interface StoredResponse {
  status: number;
  body: unknown;
}

interface IdempotencyEntry {
  fingerprint: string;
  response: StoredResponse | null; // null while the first request is still being processed
}

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
