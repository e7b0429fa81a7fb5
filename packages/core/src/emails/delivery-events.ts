import { schema } from "@crm/db";
import { and, eq, inArray } from "drizzle-orm";
import { applyAccountEmailDelivery } from "../auth/account-emails";
import type { CoreContext } from "../context";

const { emailMessages } = schema;

export type DeliveryUpdate =
  | { type: "delivered"; providerId: string; at: Date }
  | { type: "bounced"; providerId: string; at: Date; reason: string; permanent: boolean }
  | { type: "complained"; providerId: string; at: Date }
  | { type: "failed"; providerId: string; at: Date; reason: string }
  | { type: "ignored"; eventType: string };

/**
 * Applies a provider's delivery event (Resend webhook) to the email it is about: a client message
 * (email_messages) or, failing that, an account email (account_emails). Matching neither is no error.
 */
export async function applyDeliveryEvent(ctx: CoreContext, event: DeliveryUpdate): Promise<boolean> {
  if (event.type === "ignored") return false;
  const set =
    event.type === "delivered"
      ? { status: "delivered" as const, deliveredAt: event.at }
      : event.type === "bounced"
        ? { status: "bounced" as const, lastError: event.reason }
        : event.type === "complained"
          ? { status: "complained" as const }
          : { status: "failed" as const, lastError: event.reason };
  const updated = await ctx.db
    .update(emailMessages)
    .set({ ...set, updatedAt: ctx.clock.now() })
    .where(
      and(
        eq(emailMessages.providerId, event.providerId),
        // A late "delivered" never overwrites a bounce or a complaint.
        event.type === "delivered" ? inArray(emailMessages.status, ["sent", "sending"]) : undefined,
      ),
    )
    .returning({ id: emailMessages.id });
  if (updated.length > 0) return true;
  const reason = event.type === "bounced" || event.type === "failed" ? event.reason : null;
  return applyAccountEmailDelivery(ctx, event.providerId, event.type, reason);
}
