import { listSessions, revokeOtherSessions, revokeSession } from "@crm/core";
import { revokeSessionInput } from "@crm/shared";
import { authedProcedure } from "../trpc";

/** The user's signed-in sessions (Settings → Security); spread into authRouter. */
export const sessionProcedures = {
  sessions: authedProcedure.query(({ ctx }) => listSessions(ctx, ctx.sessionId)),

  /** Ends one session; ending this browser's own is a sign-out. */
  revokeSession: authedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    await revokeSession(ctx, input.id);
    ctx.sessionCache.evictSession(input.id);
    const signedOut = input.id === ctx.sessionId;
    if (signedOut) ctx.cookies.clear();
    return { signedOut };
  }),

  revokeOtherSessions: authedProcedure.mutation(async ({ ctx }) => {
    const ended = await revokeOtherSessions(ctx, ctx.sessionId);
    for (const id of ended) ctx.sessionCache.evictSession(id);
    return { ended: ended.length };
  }),
};
