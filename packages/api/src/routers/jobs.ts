import { listFailedJobs, retryFailedJob } from "@crm/core";
import { jobRetryInput } from "@crm/shared";
import { authedProcedure, router } from "../trpc";

export const jobsRouter = router({
  /** This user's jobs that failed after all their retries, with the error. */
  failed: authedProcedure.query(({ ctx }) => listFailedJobs(ctx)),
  retry: authedProcedure.input(jobRetryInput).mutation(({ ctx, input }) => retryFailedJob(ctx, input.id)),
});
