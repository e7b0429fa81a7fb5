import type { CalendarSyncDeps } from "@crm/core";
import { z } from "zod";
import { createGoogleCalendarProvider } from "./provider";

const optionalUrl = (example: string) => z.url({ error: `must be a URL such as ${example}` }).optional();

/**
 * The Google variables, for each app's env.ts to validate (packages never read the environment themselves).
 * Sync is on when GOOGLE_CLIENT_ID is set; then the secret and the key are required.
 */
export const googleEnvShape = {
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  /** 32 random bytes, base64 (openssl rand -base64 32): encrypts OAuth tokens at rest. */
  TOKEN_ENCRYPTION_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, "base64").length === 32, {
      message: "must be 32 bytes in base64 (openssl rand -base64 32)",
    })
    .optional(),
  GOOGLE_AUTH_URL: optionalUrl("https://accounts.google.com/o/oauth2/v2/auth"),
  GOOGLE_TOKEN_URL: optionalUrl("https://oauth2.googleapis.com/token"),
  GOOGLE_REVOKE_URL: optionalUrl("https://oauth2.googleapis.com/revoke"),
  GOOGLE_API_URL: optionalUrl("https://www.googleapis.com/"),
  /** Where Google sends push notifications; default APP_URL/webhooks/google-calendar when APP_URL is https. */
  GOOGLE_PUSH_URL: optionalUrl("https://crm.example.com/webhooks/google-calendar"),
  GOOGLE_QUOTA_PER_MINUTE: z.coerce
    .number({ error: "must be a whole number of calls" })
    .int("must be a whole number of calls")
    .min(1, "must be at least 1")
    .default(10_000),
};

export type GoogleEnv = z.infer<z.ZodObject<typeof googleEnvShape>>;

/** One line per variable that must come with GOOGLE_CLIENT_ID and is missing. */
export function missingGoogleVariables(env: GoogleEnv): string[] {
  if (!env.GOOGLE_CLIENT_ID) return [];
  return (["GOOGLE_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEY"] as const)
    .filter((name) => !env[name])
    .map((name) => `  ${name}: required when GOOGLE_CLIENT_ID is set`);
}

/**
 * Google sync deps from validated env, or undefined when GOOGLE_CLIENT_ID is unset. Throws a
 * message naming each variable that must come with it.
 */
export function googleSyncFromEnv(env: GoogleEnv, appUrl: string): CalendarSyncDeps | undefined {
  if (!env.GOOGLE_CLIENT_ID) return undefined;
  const missing = missingGoogleVariables(env);
  if (missing.length) throw new Error(`Invalid configuration:\n${missing.join("\n")}`);
  return createGoogleCalendarSync({
    clientId: env.GOOGLE_CLIENT_ID,
    clientSecret: env.GOOGLE_CLIENT_SECRET!,
    tokenEncryptionKey: env.TOKEN_ENCRYPTION_KEY!,
    appUrl,
    authUrl: env.GOOGLE_AUTH_URL,
    tokenUrl: env.GOOGLE_TOKEN_URL,
    revokeUrl: env.GOOGLE_REVOKE_URL,
    apiUrl: env.GOOGLE_API_URL,
    pushUrl: env.GOOGLE_PUSH_URL,
    quotaPerMinute: env.GOOGLE_QUOTA_PER_MINUTE,
  });
}

export interface GoogleSyncConfig {
  clientId: string;
  clientSecret: string;
  /** TOKEN_ENCRYPTION_KEY: 32 bytes, base64. */
  tokenEncryptionKey: string;
  /** The app's public base URL (the OAuth redirect and the default push address hang off it). */
  appUrl: string;
  authUrl?: string | undefined;
  tokenUrl?: string | undefined;
  revokeUrl?: string | undefined;
  apiUrl?: string | undefined;
  /** Push notifications go here; by default APP_URL/webhooks/google-calendar when APP_URL is https. */
  pushUrl?: string | undefined;
  quotaPerMinute: number;
}

/** What the server and the worker hand to core for Google Calendar sync. */
export function createGoogleCalendarSync(config: GoogleSyncConfig): CalendarSyncDeps {
  const tokenKey = Buffer.from(config.tokenEncryptionKey, "base64");
  if (tokenKey.length !== 32) throw new Error("TOKEN_ENCRYPTION_KEY must be 32 bytes in base64");
  const appUrl = config.appUrl.replace(/\/+$/, "");
  const pushAddress =
    config.pushUrl ?? (appUrl.startsWith("https://") ? `${appUrl}/webhooks/google-calendar` : undefined);
  return {
    provider: createGoogleCalendarProvider({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: `${appUrl}/auth/google/callback`,
      authUrl: config.authUrl,
      tokenUrl: config.tokenUrl,
      revokeUrl: config.revokeUrl,
      apiUrl: config.apiUrl,
    }),
    tokenKey,
    ...(pushAddress && { pushAddress }),
    quotaPerMinute: config.quotaPerMinute,
  };
}
