import { DomainError, isDomainError } from "@crm/core";
import { findNulCharacter, messages, pendingDeletionMessage } from "@crm/shared";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Context } from "./context";
import { addressLimitExceeded, BUDGET_EXEMPT_PROCEDURES, IP_LIMITED_PROCEDURES, userBudgetExceeded } from "./limits";
import { domainCause, toTRPCError } from "./to-trpc-error";
import { transformer } from "./transformer";

function firstZodIssue(error: ZodError) {
  const issue = error.issues[0];
  return { field: issue?.path.length ? issue.path.join(".") : null, message: issue?.message ?? "Invalid input" };
}

const t = initTRPC.context<Context>().create({
  // superjson on the wire; responses encoded by a faster walk that writes the same format.
  transformer,
  // Stack traces never leave the server, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    let message = shape.message;
    let field: string | null = null;
    let details: Record<string, unknown> | null = null;
    if (error.cause instanceof ZodError) {
      ({ field, message } = firstZodIssue(error.cause));
    } else {
      const domain = domainCause(error);
      if (domain) {
        field = domain.field ?? null;
        details = domain.details ?? null;
      }
    }
    // Unknown failures say nothing about their cause (database text never leaks).
    if (error.code === "INTERNAL_SERVER_ERROR") message = messages.internal;
    return { ...shape, message, data: { ...shape.data, field, details, stack: undefined } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

const mapDomainErrors = t.middleware(async ({ ctx, type, next }) => {
  if (type === "mutation" && ctx.crossSite) {
    throw new TRPCError({ code: "FORBIDDEN", message: messages.crossSite });
  }
  const result = await next();
  if (!result.ok && isDomainError(result.error.cause)) {
    throw toTRPCError(result.error.cause);
  }
  return result;
});

/**
 * PostgreSQL cannot store a NUL character in text or jsonb. The shared schemas refuse it field by
 * field; this refuses it in any procedure's input before the schema runs, so no input reaches the
 * database with one, whichever schema it meets.
 */
const refuseNulCharacters = t.middleware(async ({ getRawInput, next }) => {
  const path = findNulCharacter(await getRawInput());
  if (path) {
    throw new DomainError("VALIDATION", messages.nulCharacter, path.length ? { field: path.join(".") } : {});
  }
  return next();
});

/**
 * The request budgets (limits.ts), for every procedure. Sign-in-like procedures first take one call
 * from the client IP's budget for that procedure. Then the user's hourly count, started by the
 * context: a mutation waits for the verdict before it runs; a query (no side effects) runs beside
 * the count and its answer waits for the verdict, so the count's round trip costs a query no time.
 */
const enforceLimits = t.middleware(async ({ ctx, path, type, next }) => {
  if (ctx.limits && ctx.ip !== undefined && IP_LIMITED_PROCEDURES.has(path)) {
    const verdict = await ctx.limits.perIpAction.take(`${ctx.ip}:${path}`);
    if (verdict) {
      ctx.showRateLimit(verdict);
      if (!verdict.granted) throw addressLimitExceeded(verdict);
    }
  }
  const budget = ctx.budget;
  if (!budget || BUDGET_EXEMPT_PROCEDURES.has(path)) return next();
  if (type !== "query") {
    const verdict = await budget;
    if (verdict && !verdict.granted) throw userBudgetExceeded(verdict);
    return next();
  }
  const [verdict, result] = await Promise.all([budget, next()]);
  if (verdict && !verdict.granted) throw userBudgetExceeded(verdict);
  return result;
});

/** Outermost, so it sees the code the caller gets (after domain errors are mapped) and the whole time. */
const measure = t.middleware(async ({ ctx, path, type, next }) => {
  if (!ctx.observeProcedure) return next();
  const started = performance.now();
  const result = await next();
  ctx.observeProcedure({
    path,
    type,
    durationSeconds: (performance.now() - started) / 1000,
    code: result.ok ? "OK" : result.error.code,
  });
  return result;
});

const procedure = t.procedure.use(measure).use(mapDomainErrors).use(enforceLimits);

export const publicProcedure = procedure.use(refuseNulCharacters);

/**
 * What an account waiting for its hard delete may still do (privacy.deleteAccount): see the date,
 * cancel, sign out, take its data. Everything else answers FORBIDDEN with the date. The session check
 * already read the date with the user, so this costs nothing; the session cache is evicted on delete
 * and cancel, so both take effect at once in this process.
 */
const PENDING_DELETION_ALLOWED = new Set([
  "auth.me",
  "auth.logout",
  "privacy.cancelDeletion",
  "privacy.exportAccount",
  "privacy.exportStatus",
  "privacy.latestExport",
  "settings.get",
]);

// Signed out answers 401 before anything about the input is said.
export const authedProcedure = procedure
  .use(({ ctx, path, next }) => {
    if (!ctx.user || !ctx.sessionId) {
      throw new TRPCError({ code: "UNAUTHORIZED", message: messages.signInRequired });
    }
    const scheduled = ctx.user.deletionScheduledFor;
    if (scheduled && !PENDING_DELETION_ALLOWED.has(path)) {
      throw new DomainError("PENDING_DELETION", pendingDeletionMessage(scheduled), {
        details: { deletionScheduledFor: scheduled.toISOString() },
      });
    }
    return next({ ctx: { ...ctx, user: ctx.user, sessionId: ctx.sessionId, userId: ctx.user.id } });
  })
  .use(refuseNulCharacters);
