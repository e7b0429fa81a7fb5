import { purgeTrashJob } from "../clients/jobs";
import type { JobDefinition } from "./registry";

/** Every job the runtime knows: queue name → payload schema → handler. */
export const allJobs: JobDefinition<never>[] = [purgeTrashJob as JobDefinition<never>];
