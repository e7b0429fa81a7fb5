export {
  type ApiDeps,
  assertWithinBudget,
  type Context,
  createHttpContextFactory,
  createInnerContext,
  type HttpContextFactory,
  memoryCookieJar,
  type SessionCookieJar,
} from "./context";
export { sessionCookieName } from "./cookies";
export {
  addressLimitExceeded,
  createRequestLimits,
  IP_LIMITED_PROCEDURES,
  type RequestLimitSettings,
  type RequestLimits,
  rateLimitHeaders,
  userBudgetExceeded,
} from "./limits";
export { type AppRouter, appRouter, createCaller } from "./root";
export { SessionCache } from "./session-cache";
export {
  domainCause,
  domainErrorHeaders,
  type HttpErrorAnswer,
  httpErrorFor,
  trpcCodeFor,
} from "./to-trpc-error";
