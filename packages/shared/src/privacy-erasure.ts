import { z } from "zod";
import { text } from "./text";

/** privacy.deleteAccount: the password again, as for every change that cannot be undone by mistake. */
export const deleteAccountInput = z.object({
  password: text({ error: "Password is required" }).min(1, "Password is required").max(256),
});
export type DeleteAccountInput = z.infer<typeof deleteAccountInput>;

/** privacy.eraseClient: a live or trashed client of the signed-in owner. */
export const eraseClientInput = z.object({ clientId: z.uuid({ error: "Invalid client id" }) });
export type EraseClientInput = z.infer<typeof eraseClientInput>;

/** How long a deleted account can still be restored by signing in (PRIVACY_DELETION_GRACE_DAYS). */
export const DEFAULT_DELETION_GRACE_DAYS = 30;

/** Said on every refused call while the account waits for its hard delete. */
export function pendingDeletionMessage(scheduledFor: Date): string {
  return `Your account is scheduled for deletion on ${scheduledFor.toISOString().slice(0, 10)}. Cancel the deletion to use it again.`;
}
