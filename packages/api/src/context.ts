import {
  type CalendarSyncDeps,
  type Clock,
  type DataKeyring,
  hashToken,
  type JobQueue,
  type PublicUser,
  type RateVerdict,
  type RetentionPolicy,
  SESSION_IDLE_MS,
  TWO_FACTOR_CHALLENGE_MS,
  validateSessionToken,
} from "@crm/core";
import type { Database } from "@crm/db";
import type { EmailDelivery } from "@crm/shared";
import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
import {
  parseCookies,
  serializeSessionCookie,
  serializeTwoFactorCookie,
  sessionCookieName,
  twoFactorCookieName,
} from "./cookies";
import { moreRestrictive, type RequestLimits, rateLimitHeaders, userBudgetExceeded } from "./limits";
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
  /** Request budgets (the HTTP app's); unset: nothing is limited (createCaller in tests, the CLI). */
  limits?: RequestLimits;
  /** Whether account emails leave the server ("email": a provider is configured); absent: the outbox. */
  emailDelivery?: EmailDelivery;
  /** The data encryption key; procedures that seal or open secrets (two-factor) fail without it. */
  dataKeys?: DataKeyring;
  /** The configured retention periods (the Trash's purge date, /health); unset: the defaults. */
  retention?: RetentionPolicy;
  /** Days between privacy.deleteAccount and the hard delete (PRIVACY_DELETION_GRACE_DAYS); default 30. */
  deletionGraceDays?: number;
  /** Told how each procedure call went (the server's metrics); unset: nobody is told. */
  observeProcedure?: (sample: ProcedureSample) => void;
}

/** One finished procedure call. */
export interface ProcedureSample {
  path: string;
  type: "query" | "mutation" | "subscription";
  durationSeconds: number;
  /** "OK", or the tRPC error code it answered with (BAD_REQUEST, INTERNAL_SERVER_ERROR…). */
  code: string;
}

export interface Context extends ApiDeps {
  user: PublicUser | null;
  sessionId: string | null;
  cookies: SessionCookieJar;
  userAgent: string | undefined;
  /** The client's address as TRUST_PROXY allows it to be known (Fastify's req.ip); unset without a request. */
  ip: string | undefined;
  /** A mutation from another origin: refused before any procedure runs (CSRF). */
  crossSite: boolean;
  /** Tells this process's session cache what changed (no-op without one). */
  sessionCache: Pick<SessionCache, "evictSession" | "evictUser">;
  /**
   * This request's count against the signed-in user's hourly budget, started as soon as the user is
   * known; null when not counted (signed out, no limits). Null inside: the database could not count.
   */
  budget: Promise<RateVerdict | null> | null;
  /** Puts a verdict in the answer's RateLimit-* headers (the most restrictive of the request's). */
  showRateLimit(verdict: RateVerdict): void;
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
    budget: null,
    showRateLimit: () => {},
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

    let shown: RateVerdict | undefined;
    const ctx: Context = {
      ...deps,
      user: null,
      sessionId: null,
      cookies,
      userAgent: req.headers["user-agent"],
      ip: req.ip,
      crossSite,
      sessionCache: cache,
      budget: null,
      showRateLimit(verdict) {
        const winner = moreRestrictive(shown, verdict);
        if (winner === shown) return;
        shown = winner;
        res.headers(rateLimitHeaders(winner));
      },
    };
    const token = requestCookies[cookieName];
    if (!token || (!safe && !sameOrigin)) return ctx;

    const now = deps.clock.now().getTime();
    const tokenHash = hashToken(token);
    const cached = cache.get(tokenHash, now);
    if (cached) {
      ctx.user = cached.user;
      ctx.sessionId = cached.sessionId;
    } else {
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
    }
    if (ctx.user && deps.limits) {
      const userId = ctx.user.id;
      const { perUser } = deps.limits;
      // Counting starts now; a query runs beside it and a mutation waits for it (trpc.ts).
      ctx.budget = perUser.take(userId).then((verdict) => {
        if (verdict) {
          ctx.showRateLimit(verdict);
          if (verdict.reachedWarning) {
            req.log.warn(
              { userId, used: perUser.warnPosition, limitPerHour: perUser.limit },
              "user reached 80% of the hourly request budget",
            );
          }
        }
        return verdict;
      });
    }
    return ctx;
  };
}

/**
 * For routes outside tRPC that use this context: waits for the request's count and refuses it past
 * the user's budget (a DomainError THROTTLED: 429 with Retry-After). Call it before doing anything.
 */
export async function assertWithinBudget(ctx: Pick<Context, "budget">): Promise<void> {
  const verdict = await ctx.budget;
  if (verdict && !verdict.granted) throw userBudgetExceeded(verdict);
}
