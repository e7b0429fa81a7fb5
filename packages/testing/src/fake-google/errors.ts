/** Google's error shapes: the Calendar API's JSON errors, the OAuth endpoints' errors, and the canned faults. */

import type { FakeGoogleFaultKind } from "./types";
import type { Json } from "./util";

/** A Calendar API error in Google's shape; thrown by the helper methods (createEvent, …) too. */
export class FakeGoogleError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly detail: FakeGoogleApiError;
  constructor(detail: FakeGoogleApiError) {
    super(`${detail.code} ${detail.reason}: ${detail.message}`);
    this.name = "FakeGoogleError";
    this.code = detail.code;
    this.reason = detail.reason;
    this.detail = detail;
  }
}

export interface FakeGoogleApiError {
  code: number;
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
  /** error.message when it differs from errors[0].message. */
  topMessage?: string;
}

/** An authorization request the consent page refuses: shown as Google's "Access blocked" page. */
export class AuthRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`Error ${status}: ${error} (${description})`);
    this.name = "AuthRequestError";
  }
}

/** An OAuth endpoint error: JSON `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

const HTTP_STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  412: "FAILED_PRECONDITION",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

export const FAULTS: Record<Exclude<FakeGoogleFaultKind, "slow">, FakeGoogleApiError> = {
  "401": invalidCredentials(),
  "403-rate": { code: 403, domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded" },
  "403-user-rate": {
    code: 403,
    domain: "usageLimits",
    reason: "userRateLimitExceeded",
    message: "User Rate Limit Exceeded",
  },
  "403-quota": {
    code: 403,
    domain: "usageLimits",
    reason: "quotaExceeded",
    message: "Calendar usage limits exceeded.",
  },
  "429": { code: 429, domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded" },
  "500": { code: 500, domain: "global", reason: "backendError", message: "Backend Error" },
  "503": { code: 503, domain: "global", reason: "backendError", message: "Backend Error" },
};

export function errorBody(e: FakeGoogleApiError): Json {
  const item: Json = { message: e.message, domain: e.domain, reason: e.reason };
  if (e.location !== undefined) {
    item.location = e.location;
    item.locationType = e.locationType ?? "parameter";
  }
  const body: Json = { code: e.code, message: e.topMessage ?? e.message, errors: [item] };
  const status = HTTP_STATUS_NAMES[e.code];
  if (status) body.status = status;
  return { error: body };
}

export function invalidCredentials(): FakeGoogleApiError {
  return {
    code: 401,
    domain: "global",
    reason: "authError",
    message: "Invalid Credentials",
    locationType: "header",
    location: "Authorization",
    topMessage:
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
  };
}

export function notFoundError(): FakeGoogleApiError {
  return { code: 404, domain: "global", reason: "notFound", message: "Not Found" };
}

export function invalidValue(location: string): FakeGoogleApiError {
  return {
    code: 400,
    domain: "global",
    reason: "invalid",
    message: "Invalid Value",
    locationType: "parameter",
    location,
  };
}

export function invalidField(field: string): FakeGoogleApiError {
  return { code: 400, domain: "global", reason: "invalid", message: `Invalid value for: ${field}` };
}

export function invalidRecurrence(detail?: string): FakeGoogleApiError {
  return {
    code: 400,
    domain: "global",
    reason: "invalid",
    message: detail ? `Invalid recurrence rule. ${detail}` : "Invalid recurrence rule.",
  };
}

export function timeRangeEmpty(asParameter = true): FakeGoogleApiError {
  const error: FakeGoogleApiError = {
    code: 400,
    domain: "calendar",
    reason: "timeRangeEmpty",
    message: "The specified time range is empty.",
  };
  if (asParameter) {
    error.locationType = "parameter";
    error.location = "timeMax";
  }
  return error;
}
