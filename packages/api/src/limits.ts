import { type Clock, DomainError, type RateVerdict, WindowCounter } from "@crm/core";
import type { Database } from "@crm/db";
import { rateLimitMessages } from "@crm/shared";

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

export interface RequestLimitSettings {
  /** Requests per signed-in user per clock hour, across every process (RATE_LIMIT_PER_HOUR). */
  perUserPerHour: number;
  /** Calls of each procedure in IP_LIMITED_PROCEDURES per client IP per clock minute (AUTH_RATE_LIMIT_PER_MINUTE). */
  authPerIpPerMinute: number;
}

/** The budgets of the HTTP app, both counted in rate_limit_counters. */
export interface RequestLimits {
  /** key `user:<id>`, one-hour windows; one count per HTTP request (a tRPC batch is one). */
  perUser: WindowCounter;
  /** key `ip:<address>:<procedure>`, one-minute windows; one count per call of such a procedure. */
  perIpAction: WindowCounter;
}

/**
 * Procedures that anyone can call to make the server hash or check a password, send an email or
 * test a code: each gets its own budget per client IP. Named by path here rather than marked on the
 * procedures so the list is in one place and a procedure added under one of these names is covered.
 */
export const IP_LIMITED_PROCEDURES: ReadonlySet<string> = new Set([
  "auth.signup",
  "auth.login",
  "auth.verifyTwoFactor",
  "auth.requestPasswordReset",
  "auth.resetPassword",
  "auth.verifyEmail",
  "auth.resendVerification",
]);

/** Counted but never refused: a person past the budget can still end their session. */
export const BUDGET_EXEMPT_PROCEDURES: ReadonlySet<string> = new Set(["auth.logout"]);

export function createRequestLimits(
  deps: { db: Database; clock: Clock },
  settings: RequestLimitSettings,
  onError?: (error: unknown) => void,
): RequestLimits {
  const common = { db: deps.db, clock: deps.clock, ...(onError && { onError }) };
  return {
    perUser: new WindowCounter({ ...common, prefix: "user:", limit: settings.perUserPerHour, windowMs: HOUR_MS }),
    perIpAction: new WindowCounter({
      ...common,
      prefix: "ip:",
      limit: settings.authPerIpPerMinute,
      windowMs: MINUTE_MS,
    }),
  };
}

/** The RateLimit-* headers of a verdict, and Retry-After when it refuses. */
export function rateLimitHeaders(verdict: RateVerdict): Record<string, string> {
  return {
    "ratelimit-limit": String(verdict.limit),
    "ratelimit-remaining": String(verdict.remaining),
    "ratelimit-reset": String(verdict.resetSeconds),
    ...(!verdict.granted && { "retry-after": String(verdict.resetSeconds) }),
  };
}

/**
 * Of two verdicts for one answer (a user's hour and an IP's minute), the one the headers should
 * show: a refusal over a grant, else the one with fewer requests left.
 */
export function moreRestrictive(a: RateVerdict | undefined, b: RateVerdict): RateVerdict {
  if (!a) return b;
  if (a.granted !== b.granted) return a.granted ? b : a;
  return b.remaining < a.remaining ? b : a;
}

export function userBudgetExceeded(verdict: RateVerdict): DomainError {
  return new DomainError("THROTTLED", rateLimitMessages.userBudget(verdict.limit, verdict.resetSeconds), {
    retryAfterSeconds: verdict.resetSeconds,
    details: { retryAfterSeconds: verdict.resetSeconds, limit: verdict.limit },
  });
}

export function addressLimitExceeded(verdict: RateVerdict): DomainError {
  return new DomainError("THROTTLED", rateLimitMessages.fromAddress(verdict.resetSeconds), {
    retryAfterSeconds: verdict.resetSeconds,
    details: { retryAfterSeconds: verdict.resetSeconds, limit: verdict.limit },
  });
}
