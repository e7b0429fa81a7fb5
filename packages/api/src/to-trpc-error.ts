import { type DomainError, type DomainErrorCode, isDomainError } from "@crm/core";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

type TRPCCode = TRPCError["code"];

/** The one place domain errors become transport errors. Exhaustive: a new code fails to compile. */
export function trpcCodeFor(code: DomainErrorCode): TRPCCode {
  switch (code) {
    case "VALIDATION":
      return "BAD_REQUEST";
    case "UNAUTHENTICATED":
      return "UNAUTHORIZED";
    case "NOT_FOUND":
      return "NOT_FOUND";
    case "STALE_VERSION":
    case "DUPLICATE":
    case "OVERLAP":
      return "CONFLICT";
    case "INVALID_TRANSITION":
      return "UNPROCESSABLE_CONTENT";
    case "THROTTLED":
      return "TOO_MANY_REQUESTS";
    case "PENDING_DELETION":
      return "FORBIDDEN";
    default: {
      const unreachable: never = code;
      throw new Error(`Unmapped domain error ${String(unreachable)}`);
    }
  }
}

export function toTRPCError(error: DomainError): TRPCError {
  return new TRPCError({ code: trpcCodeFor(error.code), message: error.message, cause: error });
}

export function domainCause(error: unknown): DomainError | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return isDomainError(cause) ? cause : undefined;
}

/** A domain error as an HTTP answer: what tRPC sends for it, for the routes outside tRPC. */
export interface HttpErrorAnswer {
  status: number;
  message: string;
  /** The input field at fault, for VALIDATION and DUPLICATE. */
  field: string | null;
  details: Record<string, unknown> | null;
  headers: Record<string, string>;
}

/** The same status tRPC answers (through trpcCodeFor), so REST and tRPC agree on every code. */
export function httpErrorFor(error: DomainError): HttpErrorAnswer {
  return {
    status: getHTTPStatusCodeFromError(toTRPCError(error)),
    message: error.message,
    field: error.field ?? null,
    details: error.details ?? null,
    headers: domainErrorHeaders(error),
  };
}

/** Retry-After on a throttled answer, tRPC's and REST's alike. */
export function domainErrorHeaders(error: DomainError): Record<string, string> {
  return error.retryAfterSeconds ? { "retry-after": String(error.retryAfterSeconds) } : {};
}
