import type { DbOrTx } from "@crm/db";
import type { JobQueue } from "./jobs/registry";
import type { Clock, Mailer } from "./ports";

/** What every core verb receives. Owner-scoped verbs take AuthedContext. */
export interface CoreContext {
  db: DbOrTx;
  clock: Clock;
  /** Present wherever work may be enqueued (the API, the CLI, job handlers). */
  jobs?: JobQueue;
  /** Present where email is sent (job handlers). */
  email?: { mailer: Mailer; from: string };
}

export interface AuthedContext extends CoreContext {
  userId: string;
}
