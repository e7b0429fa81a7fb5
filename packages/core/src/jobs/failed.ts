import { messages } from "@crm/shared";
import type { AuthedContext } from "../context";
import { DomainError } from "../errors";
import type { FailedJob, JobQueue } from "./registry";

function queueOf(ctx: AuthedContext): JobQueue {
  if (!ctx.jobs) throw new Error("This operation needs the job queue in its context");
  return ctx.jobs;
}

export async function listFailedJobs(ctx: AuthedContext): Promise<FailedJob[]> {
  return queueOf(ctx).listFailed(ctx.userId, 50);
}

export async function retryFailedJob(ctx: AuthedContext, id: string): Promise<{ id: string }> {
  if (!(await queueOf(ctx).retry(ctx.userId, id))) throw new DomainError("NOT_FOUND", messages.notFound);
  return { id };
}
