/**
 * The closed set of domain failures. packages/api maps each to one tRPC code in an exhaustive
 * switch; anything else thrown is a bug and becomes a generic internal error.
 */
export type DomainErrorCode =
  | "VALIDATION" // bad input the schema could not catch (names the field)
  | "UNAUTHENTICATED" // no or bad credentials
  | "NOT_FOUND" // missing, or owned by someone else (never confirm which)
  | "STALE_VERSION" // optimistic lock lost
  | "DUPLICATE" // a unique rule (e.g. email) would be broken; names the existing record
  | "OVERLAP" // a booking is in the way
  | "INVALID_TRANSITION" // a state machine refused the move
  | "THROTTLED" // too many attempts; carries retryAfterSeconds
  | "PENDING_DELETION"; // the account is scheduled for deletion: only cancelling it (and a few reads) is allowed

export interface DomainErrorOptions {
  field?: string;
  retryAfterSeconds?: number;
  /** Safe, user-facing details (e.g. the id of the record in the way). */
  details?: Record<string, unknown>;
}

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: DomainErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** PostgreSQL error codes the domain interprets (others are bugs). */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // Drizzle wraps driver errors in `cause`.
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
