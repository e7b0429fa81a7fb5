import { schema } from "@crm/db";
import { and, eq, inArray } from "drizzle-orm";
import type { CoreContext } from "../context";
import type { JobContext } from "../jobs/registry";
import type { SendResult } from "../ports";

const { accountEmails } = schema;

export type AccountEmailKind =
  | "password_reset"
  | "email_verification"
  | "email_change"
  | "email_change_notice"
  | "deletion_scheduled";

export interface AccountEmail {
  userId: string;
  kind: AccountEmailKind;
  to: string;
  subject: string;
  text: string;
  /** The live link the text carries: written to the log when there is no provider (the outbox). */
  link?: string;
}

/**
 * Sends one of the product's own emails to an account holder and records it in account_emails (never
 * email_messages: these are not client messages, do not count toward the bounce rate and are not
 * listed in Sent emails). The body is never stored: it carries a live link.
 *
 * With no provider (the outbox) nothing leaves the server: the link is written to the log, where the
 * operator can read it, and the row says "outbox", not "sent".
 */
export async function sendAccountEmail(ctx: JobContext, email: AccountEmail): Promise<void> {
  if (!ctx.email) throw new Error("Sending account emails needs a mailer in the context");
  const { mailer, from } = ctx.email;
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(accountEmails)
    .values({
      userId: email.userId,
      kind: email.kind,
      toAddress: email.to,
      status: "sending",
      provider: mailer.kind,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: accountEmails.id });
  const id = row!.id;
  let result: SendResult;
  try {
    result = await mailer.send({
      id,
      from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      tags: [{ name: "kind", value: email.kind }],
    });
  } catch (error) {
    result = { ok: false, retryable: true, reason: error instanceof Error ? error.message : String(error) };
  }
  const done = ctx.clock.now();
  const where = and(eq(accountEmails.userId, email.userId), eq(accountEmails.id, id));
  if (result.ok) {
    const outbox = mailer.kind === "outbox";
    await ctx.db
      .update(accountEmails)
      .set({ status: outbox ? "outbox" : "sent", providerId: result.providerId, updatedAt: done })
      .where(where);
    if (outbox && email.link) {
      ctx.log(`[outbox] ${email.kind} email ${id} was not sent (no email provider); its link: ${email.link}`, {
        userId: email.userId,
      });
    }
    return;
  }
  await ctx.db.update(accountEmails).set({ status: "failed", lastError: result.reason, updatedAt: done }).where(where);
  // A soft failure goes back to pg-boss, which retries the job (and so issues a fresh link).
  if (result.retryable) throw new Error(`Account email not sent yet: ${result.reason}`);
}

type DeliveryStatus = "delivered" | "bounced" | "complained" | "failed";

/**
 * A provider's delivery event for an account email. Answers whether one matched; matching none is
 * normal (the event was about a client message, or an email we no longer keep).
 */
export async function applyAccountEmailDelivery(
  ctx: CoreContext,
  providerId: string,
  status: DeliveryStatus,
  reason: string | null,
): Promise<boolean> {
  const updated = await ctx.db
    .update(accountEmails)
    .set({ status, ...(reason !== null && { lastError: reason }), updatedAt: ctx.clock.now() })
    .where(
      and(
        eq(accountEmails.providerId, providerId),
        // A late "delivered" never overwrites a bounce or a complaint.
        status === "delivered" ? inArray(accountEmails.status, ["sent"]) : undefined,
      ),
    )
    .returning({ id: accountEmails.id });
  return updated.length > 0;
}
