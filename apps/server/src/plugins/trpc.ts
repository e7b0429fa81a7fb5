import { IncomingMessage, type ServerResponse } from "node:http";
import { appRouter, domainCause, domainErrorHeaders, type HttpContextFactory } from "@crm/api";
import type { AnyRouter, inferRouterContext, TRPCError } from "@trpc/server";
import { createURL } from "@trpc/server/adapters/node-http";
import { type HTTPBaseHandlerOptions, resolveResponse } from "@trpc/server/http";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";

export interface TrpcOptions {
  createContext: HttpContextFactory;
}

/** The app's procedures at /trpc. Failures are logged only when unexpected; throttling sends Retry-After. */
export const trpcPlugin: FastifyPluginAsync<TrpcOptions> = async (app, { createContext }) => {
  await registerTrpc(app, {
    prefix: "/trpc",
    router: appRouter,
    createContext,
    // Every signed-in answer carries RateLimit-* headers, even one that failed before a procedure ran.
    beforeSend: (ctx) => ctx.budget,
    onError({ error, path, req }) {
      if (error.code === "INTERNAL_SERVER_ERROR")
        req.log.error({ err: error.cause ?? error, path }, "procedure failed");
    },
    responseMeta({ errors }) {
      const throttled = errors.map((e) => domainCause(e)).find((cause) => cause?.retryAfterSeconds);
      return throttled ? { headers: domainErrorHeaders(throttled) } : {};
    },
  });
};

export interface TrpcRouteOptions<TRouter extends AnyRouter>
  extends Omit<HTTPBaseHandlerOptions<TRouter, FastifyRequest>, "onError"> {
  prefix: string;
  createContext: (opts: { req: FastifyRequest; res: FastifyReply }) => Promise<inferRouterContext<TRouter>>;
  onError?: (opts: { error: TRPCError; path: string | undefined; req: FastifyRequest }) => void;
  /** Awaited after the procedures, before the answer goes (if a context was made). */
  beforeSend?: (ctx: inferRouterContext<TRouter>) => Promise<unknown> | null | undefined;
}

/** The reason a request's signal aborts with: built once, as a DOMException's stack trace is costly. */
const CLIENT_GONE = new DOMException("The client closed the connection", "AbortError");

/**
 * tRPC over Fastify: the same request handling as `@trpc/server/adapters/fastify` (tRPC's own
 * `resolveResponse`), with a cheaper bridge on each side. That adapter aborted every request's signal
 * when its response closed, building a DOMException with a stack trace each time, and handed Fastify
 * a web Response whose one-string body was then read back through a ReadableStream and sent chunked.
 * Both showed in profiles of the client list under load. Here the signal aborts only when the
 * client leaves before the answer, and a JSON answer is sent as one string with a Content-Length;
 * anything else (a streamed answer) still goes to Fastify as the Response itself.
 */
export function registerTrpc<TRouter extends AnyRouter>(app: FastifyInstance, options: TrpcRouteOptions<TRouter>) {
  const { prefix, createContext, onError, beforeSend, ...handlerOptions } = options;
  return app.register(async (scope) => {
    // As tRPC's adapter: bodies reach tRPC unparsed, which parses (and validates) them itself.
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, body));
    scope.removeContentTypeParser("multipart/form-data");
    scope.addContentTypeParser("multipart/form-data", {}, (_request, body, done) => done(null, body));

    scope.all(`${prefix}/:path`, async (request, reply) => {
      const path = (request.params as { path: string }).path;
      let context: inferRouterContext<TRouter> | undefined;
      const response = await resolveResponse<TRouter>({
        ...handlerOptions,
        req: toWebRequest(request.raw, reply.raw, request.body),
        path,
        error: null,
        createContext: async () => {
          context = await createContext({ req: request, res: reply });
          return context;
        },
        onError: onError && ((o) => onError({ error: o.error, path: o.path, req: request })),
      });
      if (beforeSend && context !== undefined) await beforeSend(context);
      const contentType = response.headers.get("content-type");
      if (response.body === null || !contentType?.startsWith("application/json")) return reply.send(response);
      reply.status(response.status);
      for (const [name, value] of response.headers) if (name !== "set-cookie") reply.header(name, value);
      for (const cookie of response.headers.getSetCookie()) reply.header("set-cookie", cookie);
      return reply.send(await response.text());
    });
  });
}

function toWebRequest(req: IncomingMessage, res: ServerResponse, body: unknown): Request {
  const controller = new AbortController();
  // Only a client that leaves before the answer has something to cancel.
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(CLIENT_GONE);
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.append(name, value);
  }
  const init: RequestInit & { duplex?: "half" } = { headers, method: req.method, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD" && body !== undefined) {
    // A string from the parsers above, the raw stream for multipart; anything else as JSON (as tRPC's adapter).
    init.body =
      typeof body === "string" || body instanceof IncomingMessage
        ? (body as NonNullable<RequestInit["body"]>)
        : JSON.stringify(body);
    init.duplex = "half";
  }
  return new Request(createURL(req), init);
}
