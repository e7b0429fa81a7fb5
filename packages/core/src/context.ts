import type { DbOrTx } from "@crm/db";
import type { Clock } from "./ports";

/** What every core verb receives. Owner-scoped verbs take AuthedContext. */
export interface CoreContext {
  db: DbOrTx;
  clock: Clock;
}

export interface AuthedContext extends CoreContext {
  userId: string;
}
