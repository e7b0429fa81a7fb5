/** Injected faults: queued ones (fail()) and seeded random ones (faultRate()), answered in Google's shapes. */
import { FAULTS } from "./errors";
import { type Ctx, sendApiError, sendHtml, sendOAuthJson } from "./http";
import { googleErrorHtml } from "./oauth-html";
import type { FakeGoogleState } from "./state";
import type { FakeGoogleFault } from "./types";
import { sleep } from "./util";

function takeFault(s: FakeGoogleState, ctx: Ctx, isCalendar: boolean): FakeGoogleFault | undefined {
  const line = `${ctx.method} ${ctx.path}`;
  const index = s.faults.findIndex(({ fault }) => {
    if (!fault.match) return isCalendar;
    fault.match.lastIndex = 0;
    return fault.match.test(line);
  });
  const entry = s.faults[index];
  if (entry) {
    entry.left -= 1;
    if (entry.left <= 0) s.faults.splice(index, 1);
    return entry.fault;
  }
  const random = s.randomFaults;
  if (random && isCalendar && random.next() < random.rate) {
    const kind = random.kinds[Math.floor(random.next() * random.kinds.length)];
    if (kind) return { kind };
  }
  return undefined;
}

/** Applies a fault; true when it answered the request. */
export async function applyFault(s: FakeGoogleState, ctx: Ctx, isCalendar: boolean): Promise<boolean> {
  const fault = takeFault(s, ctx, isCalendar);
  if (!fault) return false;
  if (fault.kind === "slow") {
    await sleep(fault.slowMs ?? 2000);
    return false;
  }
  const error = FAULTS[fault.kind];
  if (isCalendar || ctx.path.startsWith("/calendar/")) {
    sendApiError(ctx, error);
  } else if (fault.kind === "401") {
    sendOAuthJson(ctx, 401, { error: "invalid_client", error_description: "Unauthorized" });
  } else if (error.code === 403) {
    sendOAuthJson(ctx, 403, { error: "rate_limit_exceeded", error_description: error.message });
  } else {
    // Google's front ends answer 429/5xx on the OAuth endpoints with an HTML page (arctic discards the body).
    sendHtml(ctx, error.code, googleErrorHtml(error.code));
  }
  return true;
}
