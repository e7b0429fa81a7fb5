import { DomainError, type DomainErrorCode } from "@crm/core";
import { describe, expect, it } from "vitest";
import { httpErrorFor } from "./to-trpc-error";

describe("httpErrorFor", () => {
  it("answers each domain code with tRPC's status for it", () => {
    const statuses: Record<DomainErrorCode, number> = {
      VALIDATION: 400,
      UNAUTHENTICATED: 401,
      NOT_FOUND: 404,
      STALE_VERSION: 409,
      DUPLICATE: 409,
      OVERLAP: 409,
      INVALID_TRANSITION: 422,
      THROTTLED: 429,
      PENDING_DELETION: 403,
    };
    for (const [code, status] of Object.entries(statuses)) {
      expect(httpErrorFor(new DomainError(code as DomainErrorCode, "x")).status, code).toBe(status);
    }
  });

  it("names the field, keeps the details, and sends Retry-After when throttled", () => {
    expect(httpErrorFor(new DomainError("VALIDATION", "Name is required", { field: "name" }))).toEqual({
      status: 400,
      message: "Name is required",
      field: "name",
      details: null,
      headers: {},
    });
    const overlap = httpErrorFor(new DomainError("OVERLAP", "Time slot unavailable", { details: { bookingId: "b1" } }));
    expect(overlap).toMatchObject({ status: 409, details: { bookingId: "b1" }, field: null });
    const throttled = httpErrorFor(new DomainError("THROTTLED", "Slow down", { retryAfterSeconds: 120 }));
    expect(throttled).toMatchObject({ status: 429, headers: { "retry-after": "120" } });
  });
});
