import type { ApiDeps } from "@crm/api";
import { bounceRate, googleQuotaUsage } from "@crm/core";
import { schema } from "@crm/db";
import { sql } from "drizzle-orm";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Seconds. The alert thresholds (300 ms, 500 ms) sit on bucket edges, so p99 is read exactly there. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10];

export type StatusClass = "2xx" | "3xx" | "4xx" | "5xx";

export function statusClass(status: number): StatusClass {
  if (status >= 500) return "5xx";
  if (status >= 400) return "4xx";
  if (status >= 300) return "3xx";
  return "2xx";
}

/** The HTTP class a tRPC code answers with (as tRPC's own table): "OK" is 2xx. */
export function trpcStatusClass(code: string): StatusClass {
  switch (code) {
    case "OK":
      return "2xx";
    case "INTERNAL_SERVER_ERROR":
    case "NOT_IMPLEMENTED":
    case "BAD_GATEWAY":
    case "SERVICE_UNAVAILABLE":
    case "GATEWAY_TIMEOUT":
      return "5xx";
    default:
      return "4xx";
  }
}

export interface AppMetrics {
  registry: Registry;
  /** A finished HTTP request: route is the pattern (/api/v1/exports/:id), never the raw path. */
  observeHttp(sample: { method: string; route: string; status: number; durationSeconds: number }): void;
  /** A finished tRPC procedure call (one per procedure of a batch). */
  observeProcedure: NonNullable<ApiDeps["observeProcedure"]>;
}

/**
 * The Prometheus registry of one app: request counts and latencies measured in this process, and
 * gauges read from the database when scraped (job queues, reminders, Google quota, imports, sync),
 * which every process reports alike: aggregate them with max(), not sum().
 */
export function createAppMetrics(deps: ApiDeps): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequests = new Counter({
    name: "crm_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status class.",
    labelNames: ["route", "method", "status_class"] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: "crm_http_request_duration_seconds",
    help: "HTTP request duration, by route pattern and status class.",
    labelNames: ["route", "status_class"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const apiRequests = new Counter({
    name: "crm_api_requests_total",
    help: "tRPC procedure calls (each call of a batch counts), by procedure, type and status class.",
    labelNames: ["procedure", "type", "status_class"] as const,
    registers,
  });
  const apiDuration = new Histogram({
    name: "crm_api_request_duration_seconds",
    help: "tRPC procedure call duration, by procedure.",
    labelNames: ["procedure", "type"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const apiErrors = new Counter({
    name: "crm_api_errors_total",
    help: "tRPC procedure calls that failed, by procedure and tRPC error code.",
    labelNames: ["procedure", "code"] as const,
    registers,
  });

  registerDatabaseGauges(deps, registers);

  return {
    registry,
    observeHttp({ method, route, status, durationSeconds }) {
      const statusClassLabel = statusClass(status);
      httpRequests.inc({ route, method, status_class: statusClassLabel });
      httpDuration.observe({ route, status_class: statusClassLabel }, durationSeconds);
    },
    observeProcedure({ path, type, durationSeconds, code }) {
      apiRequests.inc({ procedure: path, type, status_class: trpcStatusClass(code) });
      apiDuration.observe({ procedure: path, type }, durationSeconds);
      if (code !== "OK") apiErrors.inc({ procedure: path, code });
    },
  };
}

/** Gauges whose values live in the database, read once per scrape. */
function registerDatabaseGauges(deps: ApiDeps, registers: Registry[]): void {
  const scrapeErrors = new Counter({
    name: "crm_metrics_scrape_errors_total",
    help: "Database reads for the metrics below that failed (their gauges keep the last value).",
    labelNames: ["source"] as const,
    registers,
  });
  const guarded = async (source: string, read: () => Promise<void>) => {
    try {
      await read();
    } catch {
      scrapeErrors.inc({ source });
    }
  };

  new Gauge({
    name: "crm_db_connections",
    help: "This process's database connections, by state (pg_stat_activity).",
    labelNames: ["state"] as const,
    registers,
    async collect() {
      await guarded("db", async () => {
        const rows = await deps.db.execute<{ state: string | null; n: number }>(sql`
            select state, count(*)::int as n from pg_stat_activity
            where application_name = current_setting('application_name') group by state`);
        this.reset();
        for (const row of rows) this.set({ state: row.state ?? "unknown" }, row.n);
      });
    },
  });

  const jobGauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ["queue"] as const, registers });
  const waiting = jobGauge("crm_jobs_waiting", "Jobs due and not yet picked up, by queue.");
  const delayed = jobGauge("crm_jobs_delayed", "Jobs scheduled for later (reminders), by queue.");
  const active = jobGauge("crm_jobs_active", "Jobs running now, by queue.");
  const failed = jobGauge("crm_jobs_failed", "Jobs failed for good and still kept, by queue.");
  const completedHour = jobGauge("crm_jobs_completed_last_hour", "Jobs completed in the last hour, by queue.");
  const failedHour = jobGauge("crm_jobs_failed_last_hour", "Jobs that failed for good in the last hour, by queue.");
  new Gauge({
    name: "crm_jobs_oldest_waiting_seconds",
    help: "Age of the oldest job due and not yet picked up, by queue (0: none waiting).",
    labelNames: ["queue"] as const,
    registers,
    async collect() {
      if (!deps.jobs) return;
      await guarded("jobs", async () => {
        const stats = await deps.jobs!.stats();
        for (const s of stats) {
          const labels = { queue: s.queue };
          waiting.set(labels, s.waiting);
          delayed.set(labels, s.delayed);
          active.set(labels, s.active);
          failed.set(labels, s.failed);
          completedHour.set(labels, s.completedLastHour);
          failedHour.set(labels, s.failedLastHour);
          this.set(labels, s.oldestWaitingSeconds ?? 0);
        }
      });
    },
  });

  const sent24h = new Gauge({
    name: "crm_emails_sent_last_24h",
    help: "Emails handed to the provider in the last 24 hours (the bounce rate's denominator).",
    registers,
  });
  new Gauge({
    name: "crm_emails_bounced_last_24h",
    help: "Of those, how many bounced.",
    registers,
    async collect() {
      await guarded("emails", async () => {
        const rate = await bounceRate(deps);
        sent24h.set(rate.sent);
        this.set(rate.bounced);
      });
    },
  });
  new Gauge({
    name: "crm_reminders_last_24h",
    help: "Reminder emails by status, among those scheduled for the last 24 hours.",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      await guarded("reminders", async () => {
        const { emailMessages } = schema;
        const rows = await deps.db
          .select({ status: emailMessages.status, n: sql<number>`count(*)::int` })
          .from(emailMessages)
          .where(
            sql`${emailMessages.kind} = 'reminder' and ${emailMessages.scheduledFor} > now() - interval '24 hours'
                and ${emailMessages.scheduledFor} <= now()`,
          )
          .groupBy(emailMessages.status);
        this.reset();
        for (const status of ["sent", "delivered", "failed", "bounced", "complained", "cancelled", "scheduled"]) {
          this.set({ status }, rows.find((row) => row.status === status)?.n ?? 0);
        }
      });
    },
  });

  if (deps.calendar) {
    const calendar = deps.calendar;
    const quota = new Gauge({
      name: "crm_google_api_quota_per_minute",
      help: "Google API calls the deployment allows itself per minute.",
      registers,
    });
    new Gauge({
      name: "crm_google_api_calls_this_minute",
      help: "Google API calls made so far this minute, across every process.",
      registers,
      async collect() {
        await guarded("google", async () => {
          const usage = await googleQuotaUsage(deps, calendar.quotaPerMinute);
          quota.set(usage.quota);
          this.set(usage.calls);
        });
      },
    });
  }
  new Gauge({
    name: "crm_calendar_connections",
    help: "Google Calendar connections by status (error: the last sync failed).",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      await guarded("calendar", async () => {
        const { calendarConnections } = schema;
        const rows = await deps.db
          .select({ status: calendarConnections.status, n: sql<number>`count(*)::int` })
          .from(calendarConnections)
          .groupBy(calendarConnections.status);
        this.reset();
        for (const status of ["connected", "paused", "disconnected", "error"]) {
          this.set({ status }, rows.find((row) => row.status === status)?.n ?? 0);
        }
      });
    },
  });
  new Gauge({
    name: "crm_import_rows_last_24h",
    help: "Rows of the CSV imports finished (or started) in the last 24 hours, by outcome.",
    labelNames: ["outcome"] as const,
    registers,
    async collect() {
      await guarded("imports", async () => {
        const { imports } = schema;
        const [row] = await deps.db
          .select({
            created: sql<number>`coalesce(sum(${imports.created}), 0)::int`,
            updated: sql<number>`coalesce(sum(${imports.updated}), 0)::int`,
            skipped: sql<number>`coalesce(sum(${imports.skipped}), 0)::int`,
            failed: sql<number>`coalesce(sum(${imports.failed}), 0)::int`,
          })
          .from(imports)
          .where(sql`coalesce(${imports.finishedAt}, ${imports.createdAt}) > now() - interval '24 hours'`);
        for (const outcome of ["created", "updated", "skipped", "failed"] as const) {
          this.set({ outcome }, row?.[outcome] ?? 0);
        }
      });
    },
  });
}
