import { schema } from "@crm/db";
import { and, asc, eq, isNotNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { emailKey } from "../auth/users";
import type { CoreContext } from "../context";
import { defineJob, type JobContext } from "../jobs/registry";
import { inTransaction } from "../transaction";

const { loginAttempts, rateLimitCounters, users } = schema;

const BATCH = 100;

export interface HardDeleteResult {
  deleted: number;
  failed: number;
}

/**
 * Deletes for good every account whose grace period has ended (users.deletion_scheduled_for <= now),
 * each in its own transaction, so one that fails stays for the next run and the others still go.
 * The users row takes every owned table with it (foreign keys cascade); what carries the account
 * without a foreign key goes explicitly: sign-in attempts (keyed by the email), request counters
 * (`user:<id>`), and the job queue's rows whose payload or output mentions the id or the email.
 * Idempotent: an account already gone, or cancelled meanwhile, is skipped.
 */
export async function hardDeleteDueAccounts(ctx: JobContext): Promise<HardDeleteResult> {
  const now = ctx.clock.now();
  const result: HardDeleteResult = { deleted: 0, failed: 0 };
  const failed = new Set<string>();
  for (;;) {
    const due = (
      await ctx.db
        .select({ id: users.id })
        .from(users)
        .where(and(isNotNull(users.deletionScheduledFor), lte(users.deletionScheduledFor, now)))
        .orderBy(asc(users.deletionScheduledFor), asc(users.id))
        .limit(BATCH + failed.size)
    ).filter((u) => !failed.has(u.id));
    if (due.length === 0) return result;
    for (const { id } of due) {
      try {
        if (await hardDeleteAccount(ctx, id, now)) result.deleted += 1;
      } catch (error) {
        failed.add(id);
        result.failed += 1;
        ctx.log("account hard delete failed; retried on the next run", {
          userId: id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}

/** One account, in one transaction; false when it was not due (cancelled meanwhile, or gone). */
export async function hardDeleteAccount(ctx: CoreContext, userId: string, now: Date): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const [user] = await tx.db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(and(eq(users.id, userId), isNotNull(users.deletionScheduledFor), lte(users.deletionScheduledFor, now)))
      .for("update");
    if (!user) return false;
    // Jobs first: once the row is gone, nothing would find them again.
    if (tx.jobs) await tx.jobs.deleteJobsMentioning(tx.db, [user.id, user.email]);
    await tx.db.delete(users).where(eq(users.id, user.id));
    await tx.db.delete(loginAttempts).where(eq(loginAttempts.emailKey, emailKey(user.email)));
    await tx.db.delete(rateLimitCounters).where(sql`${rateLimitCounters.key} like ${`%${user.id}%`}`);
    return true;
  });
}

/** Every night: accounts whose deletion grace period ended are deleted for good. */
export const hardDeleteAccountsJob = defineJob({
  name: "privacy.hard-delete-accounts",
  payload: z.object({}).loose(),
  cron: "41 2 * * *",
  retryLimit: 2,
  concurrency: 1,
  async handle(ctx) {
    const { deleted, failed } = await hardDeleteDueAccounts(ctx);
    if (deleted || failed) ctx.log("accounts hard-deleted", { deleted, failed });
    if (failed) throw new Error(`${failed} account(s) could not be deleted; they are retried`);
  },
});
