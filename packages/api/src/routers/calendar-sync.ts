import {
  calendarSyncStatus,
  disconnectGoogle,
  dismissSyncNotice,
  requestSyncNow,
  retryFailedSync,
  startGoogleConnect,
} from "@crm/core";
import { connectInput, dismissNoticeInput } from "@crm/shared";
import { authedProcedure, router } from "../trpc";

/** Google Calendar two-way sync: connect (OAuth), status for Settings and banners, and controls. */
export const calendarSyncRouter = router({
  status: authedProcedure.query(({ ctx }) => calendarSyncStatus(ctx)),
  /** Answers Google's consent URL; the browser goes there and comes back to /auth/google/callback. */
  connect: authedProcedure.input(connectInput.optional()).mutation(({ ctx, input }) => startGoogleConnect(ctx, input)),
  disconnect: authedProcedure.mutation(({ ctx }) => disconnectGoogle(ctx)),
  syncNow: authedProcedure.mutation(({ ctx }) => requestSyncNow(ctx)),
  retryFailed: authedProcedure.mutation(({ ctx }) => retryFailedSync(ctx)),
  dismissNotice: authedProcedure.input(dismissNoticeInput).mutation(({ ctx, input }) => dismissSyncNotice(ctx, input)),
});
