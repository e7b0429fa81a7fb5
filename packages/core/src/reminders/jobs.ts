import { z } from "zod";
import { defineJob } from "../jobs/registry";
import { deliverReminder, REMINDER_RETRY_LIMIT } from "./deliver";

/** Sends one reminder email when it comes due (scheduled by syncReminder, in the booking's transaction). */
export const sendReminderJob = defineJob({
  name: "reminders.send",
  payload: z.object({ userId: z.uuid(), emailId: z.uuid() }),
  retryLimit: REMINDER_RETRY_LIMIT,
  retryDelaySeconds: 15,
  retryDelayMaxSeconds: 1800,
  // Sends wait on the provider: many side by side, so a burst of due reminders drains quickly.
  concurrency: 100,
  async handle(ctx, payload, job) {
    await deliverReminder(ctx, payload, job.retryCount);
  },
});
