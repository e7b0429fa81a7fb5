/** HTTP plumbing: the request context, Google's response headers for each kind of answer, and body parsing. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorBody, type FakeGoogleApiError, FakeGoogleError } from "./errors";
import type { FakeGoogleRequest } from "./types";
import { isObject, type Json } from "./util";

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  path: string;
  body: string;
  account?: string;
  /** Where the answered request is recorded (the fake's `requests`). */
  log: FakeGoogleRequest[];
}

function record(ctx: Ctx, status: number): void {
  const entry: FakeGoogleRequest = { method: ctx.method, path: ctx.path, status };
  if (ctx.account) entry.account = ctx.account;
  ctx.log.push(entry);
}

function write(ctx: Ctx, status: number, headers: Record<string, string>, body: string): void {
  record(ctx, status);
  if (ctx.res.headersSent || ctx.res.destroyed) return;
  ctx.res.writeHead(status, headers);
  ctx.res.end(body);
}

export function sendJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  write(
    ctx,
    status,
    {
      "content-type": "application/json; charset=UTF-8",
      "cache-control": "private, max-age=0",
      vary: "Origin, X-Origin",
      ...headers,
    },
    JSON.stringify(body),
  );
}

export function sendOAuthJson(ctx: Ctx, status: number, body: unknown): void {
  write(
    ctx,
    status,
    {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-cache, no-store, max-age=0, must-revalidate",
      pragma: "no-cache",
    },
    JSON.stringify(body),
  );
}

export function sendEmpty(ctx: Ctx, status: number): void {
  write(ctx, status, {}, "");
}

export function sendHtml(ctx: Ctx, status: number, html: string): void {
  write(ctx, status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, html);
}

export function redirect(ctx: Ctx, target: URL): void {
  write(ctx, 302, { location: target.toString(), "cache-control": "no-store" }, "");
}

export function sendApiError(ctx: Ctx, error: FakeGoogleApiError): void {
  const headers: Record<string, string> = {};
  if (error.code === 401) {
    headers["www-authenticate"] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
  }
  sendJson(ctx, error.code, errorBody(error), headers);
}

export function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
}

export function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1 wants both parts form-urlencoded first; arctic and google-auth-library send them raw.
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export function header(ctx: Ctx, name: string): string | undefined {
  const value = ctx.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function formParams(ctx: Ctx): URLSearchParams {
  const type = header(ctx, "content-type") ?? "";
  if (type.includes("application/json")) {
    try {
      const parsed = JSON.parse(ctx.body) as unknown;
      if (isObject(parsed)) {
        return new URLSearchParams(Object.entries(parsed).map(([k, v]) => [k, String(v)]) as [string, string][]);
      }
    } catch {
      // fall through: treated as empty
    }
    return new URLSearchParams();
  }
  return new URLSearchParams(ctx.body);
}

export function jsonBody(ctx: Ctx): Json {
  if (ctx.body.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.body);
  } catch {
    throw new FakeGoogleError({ code: 400, domain: "global", reason: "parseError", message: "Parse Error" });
  }
  if (!isObject(parsed)) {
    throw new FakeGoogleError({ code: 400, domain: "global", reason: "parseError", message: "Parse Error" });
  }
  return parsed;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    const done = () => resolve(Buffer.concat(chunks).toString("utf8"));
    req.on("end", done);
    req.on("close", done);
    req.on("error", reject);
  });
}
