import fp from "fastify-plugin";
import helmet from "helmet";

export interface SecurityOptions {
  /** Served over HTTPS (anything but plain-HTTP localhost): HSTS and upgrade-insecure-requests. */
  secure: boolean;
}

/** Security headers (CSP, HSTS, nosniff and helmet's others) on every answer. */
export const securityPlugin = fp<SecurityOptions>(
  async (app, { secure }) => {
    // Built once: @fastify/helmet rebuilt this middleware (parsing every directive) on each request.
    const securityHeaders = helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
          connectSrc: ["'self'"],
          // Would send every asset of a plain-HTTP localhost run to https.
          upgradeInsecureRequests: secure ? [] : null,
        },
      },
      hsts: secure,
    });
    // helmet 8 throws on a bad setting instead of passing an error on, so `next` only ever continues.
    app.addHook("onRequest", (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
  },
  { name: "security" },
);
