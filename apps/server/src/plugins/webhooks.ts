import type { ApiDeps } from "@crm/api";
import { applyDeliveryEvent, DomainError, handleGoogleNotification } from "@crm/core";
import { verifyResendWebhook, WebhookPayloadError, WebhookSignatureError } from "@crm/integrations";
import { findNulCharacter, messages } from "@crm/shared";
import type { FastifyPluginAsync } from "fastify";

export interface WebhooksOptions {
  deps: ApiDeps;
  /** Verifies Resend's delivery webhooks; unset: that endpoint answers 404. */
  resendWebhookSecret?: string | undefined;
}

/** Providers calling in: Resend's delivery events and Google Calendar's push notifications. */
export const webhooksPlugin: FastifyPluginAsync<WebhooksOptions> = async (app, options) => {
  await app.register(resendWebhook, options);
  await app.register(googleCalendarWebhook, options);
};

/** Resend's delivery events. The signature covers the raw body, so this scope keeps it as text. */
const resendWebhook: FastifyPluginAsync<WebhooksOptions> = async (scope, { deps, resendWebhookSecret }) => {
  scope.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, body));
  scope.post("/webhooks/resend", async (request, reply) => {
    if (!resendWebhookSecret) return reply.status(404).send({ error: "Not found", statusCode: 404 });
    try {
      const event = verifyResendWebhook({
        rawBody: String(request.body ?? ""),
        headers: request.headers as Record<string, string | string[] | undefined>,
        secret: resendWebhookSecret,
      });
      const nul = findNulCharacter(event);
      if (nul) throw new DomainError("VALIDATION", messages.nulCharacter, { field: nul.join(".") });
      const applied = await applyDeliveryEvent(deps, event);
      return reply.send({ ok: true, applied });
    } catch (error) {
      if (error instanceof WebhookSignatureError)
        return reply.status(401).send({ error: error.message, statusCode: 401 });
      if (error instanceof WebhookPayloadError)
        return reply.status(400).send({ error: error.message, statusCode: 400 });
      throw error;
    }
  });
};

/** Google's push notifications: an empty POST whose headers name the channel and carry its token. */
const googleCalendarWebhook: FastifyPluginAsync<WebhooksOptions> = async (scope, { deps }) => {
  // The body is empty (whatever Content-Type comes with it): ignore it rather than parse it.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser("*", (_request, _payload, done) => done(null, null));
  scope.post("/webhooks/google-calendar", async (request, reply) => {
    const outcome = await handleGoogleNotification(deps, request.headers as Record<string, unknown>);
    if (outcome.status >= 400) request.log.warn({ outcome }, "google notification refused");
    return reply.status(outcome.status).send({ ok: outcome.status === 200, message: outcome.message });
  });
};
