/**
 * A small JSON control API on its own port, so another process (the e2e tests) can play "the user in Google
 * Calendar": GET/POST /events, PATCH/DELETE /events/:id, POST /revoke, POST /sign-in (each takes ?account=,
 * default the signed-in account), and GET /health.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { FakeGoogle } from "./types";

export async function startControlServer(fake: FakeGoogle, port: number): Promise<Server> {
  const server = createServer(async (req, res) => {
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(data ?? null));
    };
    try {
      const [status, data] = await route(fake, req);
      send(status, data);
    } catch (error) {
      send(400, { error: (error as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

async function route(fake: FakeGoogle, req: IncomingMessage): Promise<[number, unknown]> {
  const url = new URL(req.url ?? "/", "http://control");
  const account = url.searchParams.get("account") ?? fake.signedInAs;
  const body = await readJson(req);
  const eventId = /^\/events\/([^/]+)$/.exec(url.pathname)?.[1];
  if (req.method === "GET" && url.pathname === "/health") return [200, { ok: true }];
  if (req.method === "GET" && url.pathname === "/events") return [200, fake.events("primary", account)];
  if (req.method === "POST" && url.pathname === "/events") return [200, fake.createEvent(body, "primary", account)];
  if (req.method === "PATCH" && eventId) return [200, fake.updateEvent(eventId, body, "primary", account)];
  if (req.method === "DELETE" && eventId) {
    fake.deleteEvent(eventId, "primary", account);
    return [200, { deleted: eventId }];
  }
  if (req.method === "POST" && url.pathname === "/revoke") {
    fake.revokeAccess(account);
    return [200, { revoked: account }];
  }
  if (req.method === "POST" && url.pathname === "/sign-in") {
    fake.signInAs(account);
    return [200, { signedInAs: account }];
  }
  return [404, { error: `no control route ${req.method} ${url.pathname}` }];
}

async function readJson(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
}
