import { pgErrorCode } from "../errors";

const ATTEMPTS = 3;

/**
 * Runs a sync write again when PostgreSQL aborts it as a deadlock (40P01). The no-overlap rule is a
 * GiST exclusion constraint, and two transactions writing overlapping slots at once each insert
 * their index entry and then wait for the other: one is aborted. Losing that race says nothing
 * about the event or the booking, so the write is tried again (it then sees the other's outcome).
 * `work` must open its own transactions: call this outside any transaction, never inside one.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (pgErrorCode(error) !== "40P01" || attempt >= ATTEMPTS) throw error;
      // A short, random pause, so two retrying writers do not meet again in step.
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  }
}
