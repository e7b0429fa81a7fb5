import type { ApiDeps } from "@crm/api";
import { bounceRate, googleQuotaUsage, retentionStatus } from "@crm/core";
import { sql } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";

export interface HealthOptions {
  deps: ApiDeps;
}

/**
 * /health: the database (with its latency) and the job queue decide up or down (503); email
 * bounces, Google's quota, users near their request budget and overdue retention jobs only add
 * warnings.
 */
export const healthPlugin: FastifyPluginAsync<HealthOptions> = async (scope, { deps }) => {
  scope.get("/health", async (_request, reply) => {
    const started = performance.now();
    const database = await deps.db.execute(sql`select 1`).then(
      () => ({ status: "up", latencyMs: Math.round((performance.now() - started) * 10) / 10 }),
      () => ({ status: "down" }),
    );
    const queue = deps.jobs ? await deps.jobs.health() : null;
    const ok = database.status === "up" && (!queue || queue.reachable);
    const email = database.status === "up" ? await bounceRate(deps) : null;
    const warnings: string[] = [];
    if (email?.level === "critical") {
      warnings.push(`Critical: ${percent(email.rate)} of emails sent in the last 24 hours bounced (over 5%)`);
    } else if (email?.level === "warning") {
      warnings.push(`${percent(email.rate)} of emails sent in the last 24 hours bounced (over 3%)`);
    }
    const google =
      deps.calendar && database.status === "up" ? await googleQuotaUsage(deps, deps.calendar.quotaPerMinute) : null;
    if (google?.warning) warnings.push(google.warning);
    const requests = database.status === "up" ? await requestBudgetUse(deps) : null;
    if (requests?.usersNearLimit) {
      warnings.push(
        `${requests.usersNearLimit} user(s) used 80% or more of their hourly request budget (${requests.limitPerHour})`,
      );
    }
    const retention = database.status === "up" ? await retentionStatus(deps).catch(() => null) : null;
    if (retention) warnings.push(...retention.warnings);
    return reply.status(ok ? 200 : 503).send({
      status: ok ? "ok" : "error",
      warnings,
      database,
      ...(email && { email: { sent24h: email.sent, bounced24h: email.bounced } }),
      ...(google && { google: { callsThisMinute: google.calls, quotaPerMinute: google.quota } }),
      ...(requests && { requests }),
      ...(retention && {
        retention: Object.fromEntries(retention.tasks.map((t) => [t.task, t.lastRunAt?.toISOString() ?? null])),
      }),
      ...(queue && {
        queue: {
          status: queue.reachable ? "up" : "down",
          backlog: queue.backlog,
          oldestWaitingSeconds: queue.oldestWaitingSeconds,
        },
      }),
    });
  });
};

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/** How many users are past 80% of this hour's budget: a count only, /health is public. */
async function requestBudgetUse(deps: ApiDeps) {
  if (!deps.limits) return null;
  const usersNearLimit = await deps.limits.perUser.nearLimitCount().catch(() => null);
  if (usersNearLimit === null) return null;
  return { usersNearLimit, limitPerHour: deps.limits.perUser.limit };
}
