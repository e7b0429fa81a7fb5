/**
 * The HTTP server: routes each request to the OAuth endpoints or the Calendar API after any injected fault,
 * turns thrown Google errors into their responses, and starts on a loopback port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleCalendar } from "./calendar-api";
import { FakeGoogleHandle } from "./control";
import { errorBody, FakeGoogleError, notFoundError, OAuthError } from "./errors";
import { applyFault } from "./faults";
import { bearer, type Ctx, readBody, sendApiError, sendOAuthJson } from "./http";
import { tokenInfo } from "./oauth";
import { consentDecision, consentPage, handleRevoke, handleToken, handleUserinfo } from "./oauth-endpoints";
import { createState, type FakeGoogleState, track } from "./state";
import type { FakeGoogle, FakeGoogleOptions } from "./types";

export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const s = createState(options);
  const server = createServer((req, res) =>
    track(
      s,
      handle(s, req, res).catch((error) => answerCrash(res, error)),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = !options.host || options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  s.baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return new FakeGoogleHandle(s, server);
}

async function handle(s: FakeGoogleState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake");
  const body = await readBody(req);
  const ctx: Ctx = { req, res, url, method: req.method ?? "GET", path: url.pathname, body, log: s.requests };
  const token = bearer(req.headers.authorization);
  const found = token ? tokenInfo(s, token) : undefined;
  if (found) ctx.account = found.grant.account;
  const isCalendar = ctx.path.startsWith("/calendar/v3/");
  if (await applyFault(s, ctx, isCalendar)) return;
  try {
    if (isCalendar) return handleCalendar(s, ctx);
    if (!(await handleOAuth(s, ctx))) sendApiError(ctx, notFoundError());
  } catch (error) {
    if (error instanceof FakeGoogleError) return sendApiError(ctx, error.detail);
    if (error instanceof OAuthError) {
      return sendOAuthJson(ctx, error.status, { error: error.error, error_description: error.description });
    }
    throw error;
  }
}

/** The OAuth endpoints; false when the path and method are none of them. */
async function handleOAuth(s: FakeGoogleState, ctx: Ctx): Promise<boolean> {
  switch (ctx.path) {
    case "/o/oauth2/v2/auth":
      if (ctx.method !== "GET") return false;
      consentPage(s, ctx);
      return true;
    case "/o/oauth2/v2/auth/decision":
      if (ctx.method !== "POST") return false;
      consentDecision(s, ctx);
      return true;
    case "/token":
      await handleToken(s, ctx);
      return true;
    case "/revoke":
      handleRevoke(s, ctx);
      return true;
    case "/oauth2/v3/userinfo":
    case "/v1/userinfo":
      handleUserinfo(s, ctx);
      return true;
    default:
      return false;
  }
}

/** A bug in the fake itself: answered as a 500 backendError that says so. */
function answerCrash(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return;
  res.writeHead(500, { "content-type": "application/json; charset=UTF-8" });
  const message = `Fake Google failed: ${String(error)}`;
  res.end(JSON.stringify(errorBody({ code: 500, domain: "global", reason: "backendError", message })));
}
