/** Injected faults and the per-user quota, as googleapis and arctic see them. */
import { UnexpectedResponseError } from "arctic";
import { describe, expect, it } from "vitest";
import { apiError, TestClock, timed, useFakeGoogle } from "./clients.test-util";
import { startFakeGoogle } from "./index";

const { fake, oauthClient, connect, calendar } = useFakeGoogle();

describe("Faults and quota", () => {
  it("429 and 5xx on GET are retried by gaxios; 403 rate limits and PATCH are not", async () => {
    const { accessToken } = await connect("faults@example.com");
    const api = calendar(accessToken);
    const list = { calendarId: "primary" };

    fake().resetCounters();
    fake().fail({ kind: "429" });
    expect((await api.events.list(list)).status).toBe(200);
    expect(fake().requests.map((r) => r.status)).toEqual([429, 200]);

    fake().resetCounters();
    fake().fail({ kind: "429", times: 5 });
    const limited = await apiError(api.events.list(list, { retry: false }));
    expect(limited).toMatchObject({ status: 429, reason: "rateLimitExceeded" });

    fake().resetCounters();
    fake().fail({ kind: "403-rate" });
    expect(await apiError(api.events.list(list))).toMatchObject({ status: 403, reason: "rateLimitExceeded" });
    expect(fake().requests).toHaveLength(1);
    fake().fail({ kind: "403-user-rate" });
    expect(await apiError(api.events.list(list))).toMatchObject({ status: 403, reason: "userRateLimitExceeded" });
    fake().fail({ kind: "403-quota" });
    const quota = await apiError(api.events.list(list));
    expect(quota).toMatchObject({ status: 403, reason: "quotaExceeded" });
    expect(quota.data?.error?.message).toBe("Calendar usage limits exceeded.");

    const ev = fake().createEvent(timed("2026-03-02T10:00:00Z"), undefined, "faults@example.com");
    fake().resetCounters();
    fake().fail({ kind: "500", match: /^PATCH / });
    const backend = await apiError(
      api.events.patch({ calendarId: "primary", eventId: ev.id, requestBody: { summary: "x" } }),
    );
    expect(backend).toMatchObject({ status: 500, reason: "backendError" });
    expect(fake().requests.map((r) => `${r.method} ${r.status}`)).toEqual(["PATCH 500"]);
  });

  it("fails OAuth requests only when matched, slows requests down, and injects seeded random faults", async () => {
    const { tokens } = await connect("faults2@example.com");
    fake().fail({ kind: "503", match: /\/token$/ });
    await expect(oauthClient().refreshAccessToken(fake().tokenUrl, tokens.refreshToken(), [])).rejects.toBeInstanceOf(
      UnexpectedResponseError,
    );
    const api = calendar(tokens.accessToken());

    fake().fail({ kind: "slow", slowMs: 300 });
    const started = Date.now();
    expect((await api.events.list({ calendarId: "primary" })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    const run = async () => {
      fake().resetCounters();
      fake().faultRate(0.5, ["403-rate", "403-quota"], 7);
      for (let i = 0; i < 12; i++) await api.events.list({ calendarId: "primary" }).catch(() => undefined);
      fake().faultRate(0, []);
      return fake().requests.map((r) => r.status);
    };
    const a = await run();
    expect(a).toEqual(await run());
    expect(a.filter((s) => s === 403).length).toBeGreaterThan(0);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it("enforces the per-user quota over a sliding minute of the clock", async () => {
    const own = new TestClock("2026-03-01T09:00:00Z");
    const limited = await startFakeGoogle({ clock: own, userQuotaPerMinute: 3 });
    try {
      const { accessToken } = await connect("quota@example.com", { f: limited });
      const api = calendar(accessToken, limited);
      for (let i = 0; i < 3; i++) await api.events.list({ calendarId: "primary" });
      expect(await apiError(api.events.list({ calendarId: "primary" }))).toMatchObject({
        status: 403,
        reason: "userRateLimitExceeded",
      });
      own.advance(60_001);
      expect((await api.events.list({ calendarId: "primary" })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
