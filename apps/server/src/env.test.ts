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
});
