import { DEFAULT_RETENTION, retentionPolicyFromEnv } from "@crm/core";
import { describe, expect, it } from "vitest";
import { demoDataAllowed, EnvError, loadEnv } from "./env";

describe("loadEnv", () => {
  it("applies defaults", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ PORT: 3000, HOST: "localhost", APP_URL: "http://localhost:3000", WORKERS: true });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("names the variable that is wrong", () => {
    expect(() => loadEnv({ PORT: "eighty" })).toThrow(EnvError);
    expect(() => loadEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadEnv({ WORKERS: "maybe" })).toThrow(/WORKERS/);
  });

  it("reads WORKERS=off and trims a trailing slash from APP_URL", () => {
    const env = loadEnv({ WORKERS: "off", APP_URL: "https://crm.example.com/" });
    expect(env.WORKERS).toBe(false);
    expect(env.APP_URL).toBe("https://crm.example.com");
  });

  it("turns Google sync on with GOOGLE_CLIENT_ID, and then needs the secret and a 32-byte key", () => {
    expect(() => loadEnv({ GOOGLE_CLIENT_ID: "id" })).toThrow(
      /GOOGLE_CLIENT_SECRET: required when GOOGLE_CLIENT_ID is set[\s\S]*TOKEN_ENCRYPTION_KEY: required/,
    );
    expect(() =>
      loadEnv({ GOOGLE_CLIENT_ID: "id", GOOGLE_CLIENT_SECRET: "s", TOKEN_ENCRYPTION_KEY: "c2hvcnQ=" }),
    ).toThrow(/TOKEN_ENCRYPTION_KEY: must be 32 bytes in base64/);
    expect(() => loadEnv({ GOOGLE_API_URL: "not a url" })).toThrow(/GOOGLE_API_URL: must be a URL/);
    const env = loadEnv({
      GOOGLE_CLIENT_ID: "id",
      GOOGLE_CLIENT_SECRET: "s",
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
    });
    expect(env.GOOGLE_QUOTA_PER_MINUTE).toBe(10_000);
  });

  it("creates the demo account only on the embedded database outside production, unless told", () => {
    const url = "postgres://crm@db.internal/crm";
    expect(demoDataAllowed(loadEnv({}))).toBe(true);
    expect(demoDataAllowed(loadEnv({ NODE_ENV: "production" }))).toBe(false);
    expect(demoDataAllowed(loadEnv({ DATABASE_URL: url }))).toBe(false);
    expect(demoDataAllowed(loadEnv({ DATABASE_URL: url, CRM_DEMO_DATA: "on" }))).toBe(true);
    expect(demoDataAllowed(loadEnv({ NODE_ENV: "production", CRM_DEMO_DATA: "on" }))).toBe(true);
    expect(demoDataAllowed(loadEnv({ CRM_DEMO_DATA: "off" }))).toBe(false);
    expect(() => loadEnv({ CRM_DEMO_DATA: "sometimes" })).toThrow(/CRM_DEMO_DATA/);
  });

  it("reads the abuse limits and TRUST_PROXY, refusing bad values by name", () => {
    const defaults = loadEnv({});
    expect(defaults).toMatchObject({ RATE_LIMIT_PER_HOUR: 1000, AUTH_RATE_LIMIT_PER_MINUTE: 20 });
    expect(defaults.TRUST_PROXY).toBeUndefined();
    expect(loadEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(loadEnv({ TRUST_PROXY: "10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback" }).TRUST_PROXY).toEqual([
      "10.0.0.0/8",
      "127.0.0.1",
      "::1",
      "fd00::/8",
      "loopback",
    ]);
    for (const bad of ["true", "0", "everyone", "10.0.0.0/33", "10.0.0.1,", "300.1.1.1"]) {
      expect(() => loadEnv({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: must be a number of proxy hops/);
    }
    expect(() => loadEnv({ TRUST_PROXY: "true" })).toThrow(/true is refused/);
    for (const bad of ["0", "-5", "1.5", "lots", "2000000000"]) {
      expect(() => loadEnv({ RATE_LIMIT_PER_HOUR: bad })).toThrow(/RATE_LIMIT_PER_HOUR: must be/);
    }
    expect(() => loadEnv({ AUTH_RATE_LIMIT_PER_MINUTE: "none" })).toThrow(
      /AUTH_RATE_LIMIT_PER_MINUTE: must be a whole number of requests per minute/,
    );
    expect(loadEnv({ RATE_LIMIT_PER_HOUR: "30", AUTH_RATE_LIMIT_PER_MINUTE: "5" })).toMatchObject({
      RATE_LIMIT_PER_HOUR: 30,
      AUTH_RATE_LIMIT_PER_MINUTE: 5,
    });
  });
  it("reads the retention periods and the privacy page's settings, refusing bad values by name", () => {
    const env = loadEnv({ CRM_ACTIVITY_RETENTION_DAYS: "400", PRIVACY_CONTACT: "https://example.com/privacy" });
    expect(env).toMatchObject({ CRM_ACTIVITY_RETENTION_DAYS: 400, CRM_APP_NAME: "CRM" });
    expect(retentionPolicyFromEnv(env)).toEqual({ ...DEFAULT_RETENTION, activityDays: 400 });
    expect(loadEnv({ PRIVACY_CONTACT: "dpo@example.com" }).PRIVACY_CONTACT).toBe("dpo@example.com");
    expect(() => loadEnv({ PRIVACY_CONTACT: "call Ada" })).toThrow(
      /PRIVACY_CONTACT: must be an email address or an http\(s\) URL/,
    );
    expect(() => loadEnv({ CRM_EMAIL_BODY_RETENTION_DAYS: "a year" })).toThrow(
      /CRM_EMAIL_BODY_RETENTION_DAYS: must be a whole number of days/,
    );
    expect(() => loadEnv({ CRM_LOGIN_ATTEMPT_RETENTION_HOURS: "0" })).toThrow(
      /CRM_LOGIN_ATTEMPT_RETENTION_HOURS: must be at least 1 hours/,
    );
  });
});
