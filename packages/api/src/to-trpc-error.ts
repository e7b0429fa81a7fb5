import { type DomainError, type DomainErrorCode, isDomainError } from "@crm/core";
import { TRPCError } from "@trpc/server";

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
