/** The fake Resend's checks on requests: auth, and POST /emails validated as Resend does it. */

export interface ApiError {
  status: number;
  name: string;
  message: string;
}

export const MAX_RECIPIENTS = 50;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;
export const MAX_ATTACHMENTS_BYTES = 40 * 1024 * 1024;
export const TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
export const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export const ADDRESS_PATTERN = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

export function checkAuth(authorization: string | undefined, apiKey: string): ApiError | null {
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

export function methodNotAllowed(): ApiError {
  return { status: 405, name: "method_not_allowed", message: "Method is not allowed for the requested path." };
}

/** Resend's checks on POST /emails, in the order a client most likely trips them. */
export function validateEmail(body: unknown): ApiError | null {
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

export function checkAttachments(attachments: unknown): ApiError | null {
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

export function checkAddresses(
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

export function isAddress(value: string): boolean {
  const trimmed = value.trim();
  const named = /^[^<>]*<([^<>]+)>$/.exec(trimmed);
  return ADDRESS_PATTERN.test(named?.[1]?.trim() ?? trimmed);
}

export function missing(field: string): ApiError {
  return { status: 422, name: "missing_required_field", message: `Missing \`${field}\` field.` };
}

export function invalid(field: string, detail: string): ApiError {
  return { status: 400, name: "validation_error", message: `Invalid \`${field}\` field. ${detail}` };
}

export function nonEmptyString(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

export function toList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}
