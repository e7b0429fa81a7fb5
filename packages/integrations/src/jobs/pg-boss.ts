import type {
  FailedJob,
  JobContext,
  JobDefinition,
  JobQueue,
  QueueHealth,
  QueueStats,
  SendJobOptions,
} from "@crm/core";
import type { DbOrTx } from "@crm/db";
import { sql } from "drizzle-orm";
import { fromDrizzle, type Job, type JobResult, PgBoss } from "pg-boss";

const SCHEMA = "pgboss";
const deadLetterOf = (queue: string) => `${queue}__dead`;

export interface JobRuntimeOptions {
  connectionString: string;
  definitions: JobDefinition<never>[];
  /** Run handlers in this process (false: send only, WORKERS=off). */
  work: boolean;
  /** Builds the context handed to each handler. */
  context: () => Omit<JobContext, "jobs" | "log">;
  log: {
    info(message: string, details?: Record<string, unknown>): void;
    error(message: string, details?: Record<string, unknown>): void;
  };
}

export interface JobRuntime {
  queue: JobQueue;
  boss: PgBoss;
  stop(): Promise<void>;
}

/** Creates pg-boss's own schema (and upgrades it); used by migrations and test templates. */
export async function installJobSchema(connectionString: string): Promise<void> {
  const boss = new PgBoss({ connectionString, schema: SCHEMA, max: 1, supervise: false, schedule: false });
  boss.on("error", () => {});
  await boss.start();
  await boss.stop({ graceful: false });
}

function asDb(db: DbOrTx) {
  return fromDrizzle(db as unknown as Parameters<typeof fromDrizzle>[0], sql);
}

/**
 * One pg-boss instance per process. Queues come from the registry, each with retries
 * (exponential backoff) and its own dead-letter queue; delivery uses LISTEN/NOTIFY plus polling.
 */
export async function startJobRuntime(options: JobRuntimeOptions): Promise<JobRuntime> {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: SCHEMA,
    application_name: "crm-jobs",
    max: 6,
    useListenNotify: true,
    supervise: options.work,
    schedule: options.work,
  });
  boss.on("error", (error: Error) => options.log.error(`job queue: ${error.message}`));
  await boss.start();

  const byName = new Map(options.definitions.map((d) => [d.name, d]));
  for (const definition of options.definitions) {
    const dead = deadLetterOf(definition.name);
    if (!(await boss.getQueue(dead))) await boss.createQueue(dead, { retentionSeconds: 30 * 24 * 3600 });
    const queueOptions = {
      retryLimit: definition.retryLimit ?? 5,
      retryDelay: definition.retryDelaySeconds ?? 5,
      retryBackoff: true,
      retryDelayMax: definition.retryDelayMaxSeconds ?? 3600,
      deadLetter: dead,
      notify: true,
    };
    if (await boss.getQueue(definition.name)) await boss.updateQueue(definition.name, queueOptions);
    else await boss.createQueue(definition.name, { ...queueOptions, policy: definition.policy ?? "standard" });
    if (options.work && definition.cron) await boss.schedule(definition.name, definition.cron, {}, { tz: "UTC" });
  }

  const queue: JobQueue = {
    async send(db, job, payload, sendOptions: SendJobOptions = {}) {
      const data = job.payload.parse(payload) as object;
      return boss.send(job.name, data, {
        db: asDb(db),
        ...(sendOptions.startAfter && { startAfter: sendOptions.startAfter }),
        ...(sendOptions.singletonKey && { singletonKey: sendOptions.singletonKey }),
      });
    },
    async cancel(db, queueName, id) {
      await boss.cancel(queueName, id, { db: asDb(db) });
    },
    async cancelWaiting(db, queueName, singletonKey) {
      const waiting = await boss.findJobs(queueName, { key: singletonKey, queued: true, db: asDb(db) });
      if (waiting.length > 0) {
        await boss.cancel(
          queueName,
          waiting.map((job) => job.id),
          { db: asDb(db) },
        );
      }
      return waiting.length;
    },
    async listFailed(userId, limit = 50): Promise<FailedJob[]> {
      const names = [...byName.keys()];
      const rows = await boss.getDb().executeSql(
        `select id, name, data, output, retry_count, created_on, completed_on
           from ${SCHEMA}.job
          where name = any($1::text[]) and state = 'failed' and data->>'userId' = $2
          order by completed_on desc nulls last
          limit $3`,
        [names, userId, limit],
      );
      return rows.rows.map((r: Record<string, unknown>) => ({
        id: String(r.id),
        queue: String(r.name),
        error: errorText(r.output),
        retryCount: Number(r.retry_count),
        failedAt: r.completed_on ? new Date(r.completed_on as string) : null,
        createdAt: new Date(r.created_on as string),
        payload: r.data,
      }));
    },
    async retry(userId, id) {
      const rows = await boss
        .getDb()
        .executeSql(`select name from ${SCHEMA}.job where id = $1 and state = 'failed' and data->>'userId' = $2`, [
          id,
          userId,
        ]);
      const name = rows.rows[0]?.name as string | undefined;
      if (!name) return false;
      await boss.retry(name, id);
      return true;
    },
    async deleteJobsMentioning(db, texts) {
      const needles = texts.filter((t) => t.length > 0).map((t) => t.toLowerCase());
      if (needles.length === 0) return 0;
      // Every state and queue, the dead-letter copies included; a full scan is fine for a nightly task.
      const result = await asDb(db).executeSql(
        `with gone as (
           delete from ${SCHEMA}.job j
            where exists (
              select 1 from unnest($1::text[]) as needle
               where strpos(lower(j.data::text), needle) > 0
                  or strpos(lower(coalesce(j.output::text, '')), needle) > 0
            )
           returning 1
         )
         select count(*)::int as n from gone`,
        [needles],
      );
      return Number(result.rows[0]?.n ?? 0);
    },
    async health(): Promise<QueueHealth> {
      try {
        const rows = await boss.getDb().executeSql(
          `select count(*)::int as backlog,
                  extract(epoch from (now() - min(created_on)))::float as oldest
             from ${SCHEMA}.job
            where state in ('created', 'retry') and start_after <= now() and name = any($1::text[])`,
          [[...byName.keys()]],
        );
        const row = rows.rows[0] ?? {};
        return {
          reachable: true,
          backlog: Number(row.backlog ?? 0),
          oldestWaitingSeconds: row.oldest === null || row.oldest === undefined ? null : Math.round(Number(row.oldest)),
        };
      } catch {
        return { reachable: false, backlog: 0, oldestWaitingSeconds: null };
      }
    },
    async stats(): Promise<QueueStats[]> {
      const names = [...byName.keys()];
      const rows = await boss.getDb().executeSql(
        `select name,
                count(*) filter (where state in ('created', 'retry') and start_after <= now())::int as waiting,
                count(*) filter (where state in ('created', 'retry') and start_after > now())::int as delayed,
                count(*) filter (where state = 'active')::int as active,
                count(*) filter (where state = 'failed')::int as failed,
                count(*) filter (where state = 'completed' and completed_on > now() - interval '1 hour')::int as completed_1h,
                count(*) filter (where state = 'failed' and completed_on > now() - interval '1 hour')::int as failed_1h,
                extract(epoch from (now() - min(created_on) filter (
                  where state in ('created', 'retry') and start_after <= now())))::float as oldest
           from ${SCHEMA}.job where name = any($1::text[]) group by name`,
        [names],
      );
      const found = new Map(rows.rows.map((row) => [String(row.name), row]));
      return names.sort().map((queue) => {
        const row = found.get(queue);
        return {
          queue,
          waiting: Number(row?.waiting ?? 0),
          delayed: Number(row?.delayed ?? 0),
          active: Number(row?.active ?? 0),
          failed: Number(row?.failed ?? 0),
          completedLastHour: Number(row?.completed_1h ?? 0),
          failedLastHour: Number(row?.failed_1h ?? 0),
          oldestWaitingSeconds:
            row?.oldest === null || row?.oldest === undefined ? null : Math.round(Number(row.oldest)),
        };
      });
    },
  };

  if (options.work) {
    for (const definition of options.definitions) {
      const { loops, batchSize } = fetchShape(definition.concurrency ?? DEFAULT_CONCURRENCY);
      await boss.work(
        definition.name,
        {
          batchSize,
          // Full batches mean more work waiting: fetch again at once instead of waiting to poll.
          burstWhenBatchFull: true,
          pollingIntervalSeconds: 2,
          // NOTIFY wakes workers for new jobs, but not when a delayed job or a retry comes due
          // (reminders are all delayed): keep polling as often as without NOTIFY.
          notifyPollingIntervalSeconds: 2,
          localConcurrency: loops,
          perJobResults: true,
        },
        // The jobs of a batch are independent: run them side by side.
        async (jobs) => Promise.all(jobs.map((job) => runOne(definition, job))),
      );
    }
  }

  async function runOne(definition: JobDefinition<never>, job: Job<unknown>): Promise<JobResult> {
    const parsed = definition.payload.safeParse(job.data);
    if (!parsed.success) {
      // A payload that can never be valid is not retried: straight to the dead-letter queue.
      const message = `Invalid payload: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`;
      options.log.error(`job ${definition.name} ${job.id}: ${message}`);
      return { id: job.id, status: "deadletter", output: { message } };
    }
    const context: JobContext = {
      ...options.context(),
      jobs: queue,
      log: (message, details) => options.log.info(`${definition.name}: ${message}`, details),
    };
    try {
      await definition.handle(context, parsed.data, { id: job.id, retryCount: job.retryCount });
      return { id: job.id, status: "completed" };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log.error(`job ${definition.name} ${job.id} failed (attempt ${job.retryCount + 1}): ${message}`);
      return { id: job.id, status: "failed", output: { message } };
    }
  }

  return {
    queue,
    boss,
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}

function errorText(output: unknown): string {
  if (output && typeof output === "object") {
    const o = output as { message?: unknown; error?: unknown };
    if (typeof o.message === "string") return o.message;
    if (typeof o.error === "string") return o.error;
  }
  return "The job failed";
}

const DEFAULT_CONCURRENCY = 100;

/**
 * A job's concurrency as pg-boss fetch loops × batch size: each loop fetches a batch and runs its jobs
 * side by side, so at most loops × batchSize run at once. Two loops keep one fetching while the other
 * works; a concurrency of 1 is one loop fetching one job at a time.
 */
export function fetchShape(concurrency: number): { loops: number; batchSize: number } {
  const wanted = Math.max(1, Math.floor(concurrency));
  const loops = Math.min(2, wanted);
  return { loops, batchSize: Math.floor(wanted / loops) };
}
