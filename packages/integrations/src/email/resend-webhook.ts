import { Resend } from "resend";
import { z } from "zod";
import type { DeliveryEvent } from "./types";

/** The signature, its headers or its timestamp are wrong: answer 401/400 and do not process the event. */
export class WebhookSignatureError extends Error {
  override readonly name = "WebhookSignatureError";
}

/** The signature is valid but the payload is not the shape we expect; `field` names the first bad field. */
export class WebhookPayloadError extends Error {
  override readonly name = "WebhookPayloadError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifyResendWebhookInput {
  /** The request body exactly as received (not re-serialised JSON: the signature covers these bytes). */
  rawBody: string;
  /** Request headers; names are matched case-insensitively (`svix-*`, or the Standard Webhooks `webhook-*`). */
  headers: Record<string, string | string[] | undefined>;
  /** `whsec_<base64>` from the Resend dashboard. */
  secret: string;
}

// The SDK's verifier (standardwebhooks, ±5 min against the real clock) hangs off a client, which needs a key
// it never uses here; the explicit base URL keeps it from looking at the environment.
let verifier: Resend | undefined;
function getVerifier(): Resend {
  verifier ??= new Resend("re_webhook_verification_only", { baseUrl: "https://api.resend.com" });
  return verifier;
}

const envelopeSchema = z.object({ type: z.string().min(1) });

const isoDate = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: "Expected an ISO 8601 date" });

const emailData = z.object({ email_id: z.string().min(1) });

const eventSchemas = {
  "email.delivered": z.object({ type: z.literal("email.delivered"), created_at: isoDate, data: emailData }),
  "email.complained": z.object({ type: z.literal("email.complained"), created_at: isoDate, data: emailData }),
  "email.bounced": z.object({
    type: z.literal("email.bounced"),
    created_at: isoDate,
    data: emailData.extend({
      bounce: z.object({ message: z.string(), subType: z.string().optional(), type: z.string().min(1) }),
    }),
  }),
  "email.failed": z.object({
    type: z.literal("email.failed"),
    created_at: isoDate,
    data: emailData.extend({ failed: z.object({ reason: z.string() }) }),
  }),
} as const;

type MappedType = keyof typeof eventSchemas;

/**
 * Verifies a Resend (Svix) webhook against the raw body and maps it to a DeliveryEvent. Delivered, bounced,
 * complained and failed are mapped; every other event type comes back as `{type: "ignored"}`.
 * Throws WebhookSignatureError (refuse it) or WebhookPayloadError (signed but malformed). A missing or
 * malformed secret is a configuration error and throws a plain Error.
 */
export function verifyResendWebhook(input: VerifyResendWebhookInput): DeliveryEvent {
  assertSecret(input.secret);
  const signed = verifySignature(input);

  const envelope = envelopeSchema.safeParse(signed);
  if (!envelope.success) throw payloadError(envelope.error);
  const eventType = envelope.data.type;
  if (!isMapped(eventType)) return { type: "ignored", eventType };

  const parsed = eventSchemas[eventType].safeParse(signed);
  if (!parsed.success) throw payloadError(parsed.error);
  const event = parsed.data;
  const providerId = event.data.email_id;
  const at = new Date(event.created_at);

  switch (event.type) {
    case "email.delivered":
      return { type: "delivered", providerId, at };
    case "email.complained":
      return { type: "complained", providerId, at };
    case "email.bounced": {
      const { bounce } = event.data;
      const kind = bounce.subType ? `${bounce.type}/${bounce.subType}` : bounce.type;
      const reason = bounce.message ? `${kind}: ${bounce.message}` : `${kind} bounce`;
      return { type: "bounced", providerId, at, reason, permanent: bounce.type === "Permanent" };
    }
    case "email.failed":
      return { type: "failed", providerId, at, reason: event.data.failed.reason || "Failed" };
  }
}

function isMapped(type: string): type is MappedType {
  return Object.hasOwn(eventSchemas, type);
}

function verifySignature(input: VerifyResendWebhookInput): unknown {
  const headers = {
    id: header(input.headers, "svix-id") ?? header(input.headers, "webhook-id") ?? "",
    timestamp: header(input.headers, "svix-timestamp") ?? header(input.headers, "webhook-timestamp") ?? "",
    signature: header(input.headers, "svix-signature") ?? header(input.headers, "webhook-signature") ?? "",
  };
  let signed: unknown;
  try {
    signed = getVerifier().webhooks.verify({ payload: input.rawBody, headers, webhookSecret: input.secret });
  } catch (error) {
    if (error instanceof Error && error.name === "WebhookVerificationError") {
      // "Missing required headers", "Invalid Signature Headers", "Message timestamp too old/new",
      // "No matching signature found".
      throw new WebhookSignatureError(`Resend webhook refused: ${error.message}`);
    }
    if (error instanceof SyntaxError) {
      throw new WebhookPayloadError("body", `Invalid Resend webhook payload: body is not JSON (${error.message})`);
    }
    throw error;
  }
  // standardwebhooks returns undefined for a correctly signed empty body.
  if (signed === undefined) throw new WebhookPayloadError("body", "Invalid Resend webhook payload: body is empty");
  return signed;
}

function header(headers: VerifyResendWebhookInput["headers"], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    // A repeated signature header carries several "v1,<sig>" entries; they are space-separated in one header.
    if (Array.isArray(value)) return name.endsWith("signature") ? value.join(" ") : value[0];
    return value;
  }
  return undefined;
}

function assertSecret(secret: string): void {
  const key = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  if (key === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) {
    throw new Error("Resend webhook secret is missing or malformed (expected whsec_<base64>)");
  }
}

function payloadError(error: z.ZodError): WebhookPayloadError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : "body";
  return new WebhookPayloadError(field, `Invalid Resend webhook payload: ${field}: ${issue?.message ?? "invalid"}`);
}
