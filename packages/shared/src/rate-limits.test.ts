import { describe, expect, it } from "vitest";
import { rateLimitMessages, retryIn } from "./rate-limits";

describe("retryIn", () => {
  it("says seconds under a minute, then rounds up to minutes and hours", () => {
    expect(retryIn(0)).toBe("in 1 second");
    expect(retryIn(45)).toBe("in 45 seconds");
    expect(retryIn(60)).toBe("in 1 minute");
    expect(retryIn(61)).toBe("in 2 minutes");
    expect(retryIn(3540)).toBe("in 59 minutes");
    expect(retryIn(3599)).toBe("in 1 hour");
    expect(retryIn(3600)).toBe("in 1 hour");
    expect(retryIn(3601)).toBe("in 2 hours");
  });

  it("names the budget in the message", () => {
    expect(rateLimitMessages.userBudget(1000, 600)).toBe(
      "You have used all 1000 requests allowed per hour. Try again in 10 minutes.",
    );
  });
});
