import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "./env";

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
});
