import { listFailedJobs, retryFailedJob } from "@crm/core";
import { z } from "zod";
import { authedProcedure, router } from "../trpc";

export const jobsRouter = router({
  /** This user's jobs that failed after all their retries, with the error. */
  failed: authedProcedure.query(({ ctx }) => listFailedJobs(ctx)),
  retry: authedProcedure
    .input(z.object({ id: z.uuid({ error: "Must be a valid job id" }) }))
    .mutation(({ ctx, input }) => retryFailedJob(ctx, input.id)),
});
