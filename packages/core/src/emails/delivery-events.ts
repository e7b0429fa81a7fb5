import { schema } from "@crm/db";
import { and, eq, inArray } from "drizzle-orm";
import type { CoreContext } from "../context";

const { emailMessages } = schema;

export type DeliveryUpdate =
  | { type: "delivered"; providerId: string; at: Date }
  | { type: "bounced"; providerId: string; at: Date; reason: string; permanent: boolean }
  | { type: "complained"; providerId: string; at: Date }
  | { type: "failed"; providerId: string; at: Date; reason: string }
  | { type: "ignored"; eventType: string };

/** Applies a provider's delivery event (Resend webhook) to the email it is about. */
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
  return updated.length > 0;
}
