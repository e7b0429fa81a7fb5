import { assertWithinBudget, type HttpContextFactory } from "@crm/api";
import { completeGoogleConnect } from "@crm/core";
import type { FastifyPluginAsync } from "fastify";
import { refuseNulCharacters } from "./errors";

export interface GoogleOAuthOptions {
  createContext: HttpContextFactory;
}

/**
 * Google sends the browser back here after consent. The session cookie (SameSite=Lax) comes with
 * this top-level navigation; the state must belong to that user.
 */
export const googleOAuthPlugin: FastifyPluginAsync<GoogleOAuthOptions> = async (scope, { createContext }) => {
  scope.addHook("preValidation", refuseNulCharacters);
  scope.get("/auth/google/callback", async (request, reply) => {
    const ctx = await createContext({ req: request, res: reply });
    await assertWithinBudget(ctx);
    if (!ctx.user) return reply.redirect("/login?redirect=%2Fsettings");
    // An account waiting for its hard delete connects nothing (the app shows it the cancel page).
    if (ctx.user.deletionScheduledFor) return reply.redirect("/");
    if (!ctx.calendar)
      return reply.redirect("/settings?google=error&message=Google%20Calendar%20is%20not%20configured");
    const result = await completeGoogleConnect(
      { ...ctx, userId: ctx.user.id },
      request.query as Record<string, unknown>,
    );
    const target = result.ok
      ? "/settings?google=connected"
      : `/settings?google=error&message=${encodeURIComponent(result.message)}`;
    return reply.redirect(target);
  });
};
