import { messages } from "@crm/shared";
import { TRPCClientError } from "@trpc/client";

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export interface FormErrors<F extends string> {
  fields: FieldErrors<F>;
  form?: string;
}

const NETWORK_MESSAGE = "Can't reach the server. Check your connection and try again.";
const GENERIC_MESSAGE = "Something went wrong. Please try again.";

/** A sentence fit to show a person, whatever was thrown. */
export function userMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    // No `data` means no tRPC answer came back: offline, server down, or a proxy error page.
    if (!error.data) return NETWORK_MESSAGE;
    const message = error.message?.trim();
    // A raw validation dump (JSON) is not a sentence; never show it.
    if (!message || message.startsWith("[") || message.startsWith("{")) return GENERIC_MESSAGE;
    return message;
  }
  if (error instanceof TypeError) return NETWORK_MESSAGE;
  return GENERIC_MESSAGE;
}

/**
 * The input field the server blamed, if any (the API puts it in `error.data.field`). A path into a
 * list ("tags.2") names the list.
 */
export function errorField(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const field = (error.data as { field?: unknown } | null | undefined)?.field;
  return typeof field === "string" && field.length > 0 ? (field.split(".")[0] ?? field) : null;
}

/** Safe, user-facing details the server attached (e.g. the client already using an email). */
export function errorDetails(error: unknown): Record<string, unknown> | null {
  if (!(error instanceof TRPCClientError)) return null;
  const details = (error.data as { details?: unknown } | null | undefined)?.details;
  return details && typeof details === "object" ? (details as Record<string, unknown>) : null;
}

/** Another client already has this email: who (to link to them). */
export function duplicateClientOf(error: unknown): { clientId: string; name: string } | null {
  if (errorCode(error) !== "CONFLICT" || errorField(error) !== "email") return null;
  const details = errorDetails(error);
  const clientId = details?.clientId;
  const name = details?.name;
  return typeof clientId === "string" && typeof name === "string" ? { clientId, name } : null;
}

/** The record changed since it was read (optimistic lock lost): offer to reload. */
export function isStaleVersion(error: unknown): boolean {
  if (errorCode(error) !== "CONFLICT") return false;
  return (error as Error).message === messages.staleVersion || (errorField(error) === null && !errorDetails(error));
}

/** Seconds until a refused request (429) may succeed, as the server said; null for other errors. */
export function retryAfterSeconds(error: unknown): number | null {
  if (errorCode(error) !== "TOO_MANY_REQUESTS") return null;
  const seconds = errorDetails(error)?.retryAfterSeconds;
  return typeof seconds === "number" && seconds > 0 ? seconds : null;
}

export function errorCode(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const code = (error.data as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? code : null;
}

/**
 * Splits a failed call into a message next to the named field (when the form shows that field) or a
 * form-level message.
 */
export function formErrorsFrom<F extends string>(error: unknown, fields: readonly F[]): FormErrors<F> {
  const message = userMessage(error);
  const field = errorField(error);
  if (field && (fields as readonly string[]).includes(field)) {
    return { fields: { [field]: message } as FieldErrors<F> };
  }
  return { fields: {}, form: message };
}

export interface SafeParseSchema {
  safeParse(
    value: unknown,
  ): { success: true } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Client-side check with the same zod schema the server uses: the first message per field. */
export function validate<F extends string>(schema: SafeParseSchema, values: Record<F, unknown>): FieldErrors<F> {
  const result = schema.safeParse(values);
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path[0];
    if (typeof key === "string" && !(key in errors)) errors[key] = issue.message;
  }
  return errors as FieldErrors<F>;
}

export function hasErrors(errors: object): boolean {
  return Object.values(errors).some(Boolean);
}
