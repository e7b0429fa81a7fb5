import { schema } from "@crm/db";
import { and, inArray, isNotNull, isNull, lt, notInArray, or } from "drizzle-orm";
import { SESSION_IDLE_MS } from "../auth/sessions";
import { pruneLoginAttempts } from "../auth/users";
import type { CoreContext } from "../context";
import { CLEANUP_BATCH_SIZE, deleteInBatches, inBatches } from "../sql";
import type { RetentionPolicy } from "./policy";

const { activityLogs, emailMessages, imports, accountExports, sessions, twoFactorChallenges, accountTokens } = schema;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** What one task removed or scrubbed, by kind: recorded in retention_runs.last_result. */
export type RetentionResult = Record<string, number>;

function before(ctx: CoreContext, ms: number): Date {
  return new Date(ctx.clock.now().getTime() - ms);
}

/** Activity entries older than the period are deleted (every owner's, oldest first). */
export async function pruneActivityLog(ctx: CoreContext, policy: RetentionPolicy): Promise<RetentionResult> {
  const cutoff = before(ctx, policy.activityDays * DAY_MS);
  const deleted = await deleteInBatches(ctx.db, activityLogs, activityLogs.id, lt(activityLogs.createdAt, cutoff));
  return { activity_logs: deleted };
}

/**
 * Emails older than the period lose their subject and body; the row (kind, status, times, address,
 * provider id) stays, so Sent emails and the bounce rate still account for every message. Messages
 * still waiting to go out are never touched, whatever their age.
 */
export async function scrubEmailBodies(ctx: CoreContext, policy: RetentionPolicy): Promise<RetentionResult> {
  const cutoff = before(ctx, policy.emailBodyDays * DAY_MS);
  const scrubbed = await inBatches(async () => {
    const rows = await ctx.db
      .update(emailMessages)
      .set({ subject: null, textBody: null, updatedAt: ctx.clock.now() })
      .where(
        inArray(
          emailMessages.id,
          ctx.db
            .select({ id: emailMessages.id })
            .from(emailMessages)
            .where(
              and(
                // The same predicate as the partial index email_messages_unscrubbed_created_idx.
                or(isNotNull(emailMessages.subject), isNotNull(emailMessages.textBody)),
                lt(emailMessages.createdAt, cutoff),
                or(isNull(emailMessages.sentAt), lt(emailMessages.sentAt, cutoff)),
                notInArray(emailMessages.status, ["scheduled", "sending"]),
              ),
            )
            .limit(CLEANUP_BATCH_SIZE),
        ),
      )
      .returning({ id: emailMessages.id });
    return rows.length;
  });
  return { email_messages: scrubbed };
}

export async function pruneLoginAttemptRecords(ctx: CoreContext, policy: RetentionPolicy): Promise<RetentionResult> {
  return { login_attempts: await pruneLoginAttempts(ctx, policy.loginAttemptHours * HOUR_MS) };
}

/** Account links (reset, verification, email change) stay this long after expiring, so a late click is told "expired". */
export const ACCOUNT_TOKEN_KEEP_AFTER_EXPIRY_MS = 7 * DAY_MS;

/**
 * What sign-in leaves behind once it is of no use: sessions idle past their expiry (each holds a
 * browser and an IP address; they would only be removed when their cookie came back), two-factor
 * challenges past theirs, and account links a week after they expired (an email change's holds the
 * new address).
 */
export async function pruneExpiredSignIns(ctx: CoreContext): Promise<RetentionResult> {
  const now = ctx.clock.now().getTime();
  const idleCutoff = new Date(now - SESSION_IDLE_MS);
  const sessionsDeleted = await deleteInBatches(ctx.db, sessions, sessions.id, lt(sessions.lastUsedAt, idleCutoff));
  const challenges = await ctx.db
    .delete(twoFactorChallenges)
    .where(lt(twoFactorChallenges.expiresAt, new Date(now)))
    .returning({ tokenHash: twoFactorChallenges.tokenHash });
  const tokens = await ctx.db
    .delete(accountTokens)
    .where(lt(accountTokens.expiresAt, new Date(now - ACCOUNT_TOKEN_KEEP_AFTER_EXPIRY_MS)))
    .returning({ tokenHash: accountTokens.tokenHash });
  return { sessions: sessionsDeleted, two_factor_challenges: challenges.length, account_tokens: tokens.length };
}

/**
 * Uploads never started are deleted with their bytes; finished imports (completed, failed,
 * cancelled) keep their status and counts but lose the CSV and the failed rows (whose reasons quote
 * the rows' values).
 */
export async function pruneImports(ctx: CoreContext, policy: RetentionPolicy): Promise<RetentionResult> {
  const unstartedCutoff = before(ctx, policy.unstartedImportHours * HOUR_MS);
  const deleted = await deleteInBatches(
    ctx.db,
    imports,
    imports.id,
    and(inArray(imports.status, ["uploaded"]), lt(imports.createdAt, unstartedCutoff)),
  );
  const finishedCutoff = before(ctx, policy.finishedImportDays * DAY_MS);
  const scrubbed = await inBatches(async () => {
    const rows = await ctx.db
      .update(imports)
      .set({ content: null, failures: null })
      .where(
        inArray(
          imports.id,
          ctx.db
            .select({ id: imports.id })
            .from(imports)
            .where(
              and(
                inArray(imports.status, ["completed", "failed", "cancelled"]),
                or(isNotNull(imports.content), isNotNull(imports.failures)),
                or(
                  lt(imports.finishedAt, finishedCutoff),
                  and(isNull(imports.finishedAt), lt(imports.createdAt, finishedCutoff)),
                ),
              ),
            )
            .limit(CLEANUP_BATCH_SIZE),
        ),
      )
      .returning({ id: imports.id });
    return rows.length;
  });
  return { imports_deleted: deleted, imports_scrubbed: scrubbed };
}

/** Exports whose download expired are deleted; their zip chunks go with them (cascade). */
export async function pruneExpiredExports(ctx: CoreContext): Promise<RetentionResult> {
  // Small batches: each export drags its chunks (megabytes) along in the same statement.
  const size = 20;
  let deleted = 0;
  for (;;) {
    const now = ctx.clock.now();
    const expired = await ctx.db
      .select({ id: accountExports.id })
      .from(accountExports)
      .where(lt(accountExports.expiresAt, now))
      .limit(size);
    if (expired.length > 0) {
      const rows = await ctx.db
        .delete(accountExports)
        .where(
          and(
            inArray(
              accountExports.id,
              expired.map((e) => e.id),
            ),
            lt(accountExports.expiresAt, now),
          ),
        )
        .returning({ id: accountExports.id });
      deleted += rows.length;
    }
    if (expired.length < size) return { account_exports: deleted };
  }
}
