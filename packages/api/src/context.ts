import {
  type CalendarSyncDeps,
  type Clock,
  type DataKeyring,
  hashToken,
  type JobQueue,
  type PublicUser,
  SESSION_IDLE_MS,
  TWO_FACTOR_CHALLENGE_MS,
  validateSessionToken,
} from "@crm/core";
import type { Database } from "@crm/db";
import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
import {
  parseCookies,
  serializeSessionCookie,
  serializeTwoFactorCookie,
  sessionCookieName,
  twoFactorCookieName,
} from "./cookies";
import { SessionCache } from "./session-cache";

/** Where the session cookie goes. The Fastify context writes headers; tests record the calls. */
export interface SessionCookieJar {
  set(token: string): void;
  clear(): void;
  /** The pending two-factor sign-in's token, as the request carried it. */
  twoFactorToken: string | undefined;
  setTwoFactor(token: string): void;
  clearTwoFactor(): void;
}

export interface ApiDeps {
  db: Database;
  clock: Clock;
  /** Where verbs enqueue background work (absent only in tests that enqueue none). */
  jobs?: JobQueue;
  /** Public base URL, for links the API hands out (calendar feed). */
  appUrl: string;
  /** Google Calendar sync, when configured. */
  calendar?: CalendarSyncDeps;
  /** The data encryption key; procedures that seal or open secrets (two-factor) fail without it. */
  dataKeys?: DataKeyring;
}

export interface Context extends ApiDeps {
  user: PublicUser | null;
  sessionId: string | null;
  cookies: SessionCookieJar;
  userAgent: string | undefined;
  /** The client's address (Fastify's req.ip, which follows the trustProxy setting). */
  ip: string | undefined;
  /** A mutation from another origin: refused before any procedure runs (CSRF). */
  crossSite: boolean;
  /** Tells this process's session cache what changed (no-op without one). */
  sessionCache: Pick<SessionCache, "evictSession" | "evictUser">;
}

const noCache: Context["sessionCache"] = { evictSession: () => {}, evictUser: () => {} };

/** A recording cookie jar for tests and the CLI. */
export function memoryCookieJar(): SessionCookieJar & { token: string | null | undefined } {
  const jar = {
    token: undefined as string | null | undefined,
    twoFactorToken: undefined as string | undefined,
    set(token: string) {
      jar.token = token;
    },
    clear() {
      jar.token = null;
    },
    // Like a browser: the next call through this jar carries the cookie just set.
    setTwoFactor(token: string) {
      jar.twoFactorToken = token;
    },
    clearTwoFactor() {
      jar.twoFactorToken = undefined;
    },
  };
  return jar;
}

/** The context with no request: used by createCaller in tests and by the CLI. */
export function createInnerContext(
  deps: ApiDeps,
  session: { user: PublicUser; sessionId: string } | null = null,
  cookies: SessionCookieJar = memoryCookieJar(),
): Context {
  return {
    ...deps,
    user: session?.user ?? null,
    sessionId: session?.sessionId ?? null,
    cookies,
    userAgent: undefined,
    ip: undefined,
    crossSite: false,
    sessionCache: noCache,
  };
}

export interface HttpContextOptions {
  /** Origins allowed to send mutations (APP_URL's origin). */
  allowedOrigins: string[];
  /** Secure cookies everywhere except plain-HTTP localhost. */
  secureCookies: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type HttpContextFactory = ReturnType<typeof createHttpContextFactory>;

/**
 * Builds the per-request context. The session cookie counts only on safe methods or when the
 * request's Origin is ours, so another site can't ride the cookie (CSRF); a foreign Origin on a
 * mutation is refused outright.
 */
export function createHttpContextFactory(deps: ApiDeps, options: HttpContextOptions) {
  const allowed = new Set(options.allowedOrigins.map((o) => new URL(o).origin));
  const cookieName = sessionCookieName(options.secureCookies);
  const twoFactorName = twoFactorCookieName(options.secureCookies);
  const cookieOptions = { secure: options.secureCookies, maxAgeSeconds: Math.floor(SESSION_IDLE_MS / 1000) };
  const twoFactorCookieOptions = {
    secure: options.secureCookies,
    maxAgeSeconds: Math.floor(TWO_FACTOR_CHALLENGE_MS / 1000),
  };
  const cache = new SessionCache();

  return async ({ req, res }: Pick<CreateFastifyContextOptions, "req" | "res">): Promise<Context> => {
    const origin = req.headers.origin;
    const hostOrigin = req.headers.host ? `${options.secureCookies ? "https" : "http"}://${req.headers.host}` : null;
    const sameOrigin = origin !== undefined && (allowed.has(origin) || origin === hostOrigin);
    const safe = SAFE_METHODS.has(req.method);
    const crossSite = !safe && origin !== undefined && !sameOrigin;

    const requestCookies = parseCookies(req.headers.cookie);
    // Fastify appends set-cookie headers: a sign-in may write both cookies in one answer.
    const addCookie = (value: string) => void res.header("set-cookie", value);
    const cookies: SessionCookieJar = {
      set: (token) => addCookie(serializeSessionCookie(token, cookieOptions)),
      clear: () => addCookie(serializeSessionCookie(null, cookieOptions)),
      // Read only on same-origin mutations (verifyTwoFactor), like the session cookie.
      twoFactorToken: sameOrigin ? requestCookies[twoFactorName] : undefined,
      setTwoFactor: (token) => addCookie(serializeTwoFactorCookie(token, twoFactorCookieOptions)),
      clearTwoFactor: () => addCookie(serializeTwoFactorCookie(null, twoFactorCookieOptions)),
    };

    const ctx: Context = {
      ...deps,
      user: null,
      sessionId: null,
      cookies,
      userAgent: req.headers["user-agent"],
      ip: req.ip,
      crossSite,
      sessionCache: cache,
    };
    const token = requestCookies[cookieName];
    if (!token || (!safe && !sameOrigin)) return ctx;

    const now = deps.clock.now().getTime();
    const tokenHash = hashToken(token);
    const cached = cache.get(tokenHash, now);
    if (cached) {
      ctx.user = cached.user;
      ctx.sessionId = cached.sessionId;
      return ctx;
    }
    const result = await validateSessionToken(deps, token, { ip: req.ip });
    if (result.status === "valid") {
      ctx.user = result.user;
      ctx.sessionId = result.sessionId;
      if (result.rotatedToken) {
        cookies.set(result.rotatedToken);
        cache.set(hashToken(result.rotatedToken), result.sessionId, result.user, now);
      } else {
        cache.set(tokenHash, result.sessionId, result.user, now);
      }
    } else {
      cookies.clear();
    }
    return ctx;
  };
}
