import { existsSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import fp from "fastify-plugin";

export interface StaticOptions {
  /** Built web app to serve with SPA fallback; null to serve none. */
  webDistDir?: string | null | undefined;
}

/** Paths the web app never owns: an unknown one answers a JSON 404, never the app shell. */
const API_PATH = /^\/(trpc|api|health|webhooks|auth|feeds)(\/|$)/;

/**
 * The built web app: hashed assets cached for good, index.html for "/" and, as the SPA fallback,
 * for any other page a browser asks for. Everything else unknown answers a JSON 404.
 */
export const staticPlugin = fp<StaticOptions>(
  async (app, { webDistDir }) => {
    const serveWeb = Boolean(webDistDir && existsSync(path.join(webDistDir, "index.html")));
    if (webDistDir && serveWeb) {
      await app.register(fastifyStatic, {
        root: webDistDir,
        index: false,
        // Hashed assets never change; index.html (served below) is always revalidated.
        setHeaders(res, filePath) {
          if (filePath.includes(`${path.sep}assets${path.sep}`)) {
            res.header("cache-control", "public, max-age=31536000, immutable");
          }
        },
      });
      // @fastify/static answers a bare "/" itself (403, index disabled); the app shell lives there.
      app.get("/", (_request, reply) => {
        reply.header("cache-control", "no-cache");
        return reply.sendFile("index.html", { cacheControl: false });
      });
    }

    app.setNotFoundHandler((request, reply) => {
      const wantsPage = request.method === "GET" && (request.headers.accept ?? "").includes("text/html");
      if (serveWeb && wantsPage && !API_PATH.test(request.url)) {
        reply.header("cache-control", "no-cache");
        return reply.sendFile("index.html", { cacheControl: false });
      }
      return reply.status(404).send({ error: "Not found", statusCode: 404 });
    });
  },
  { name: "static" },
);
