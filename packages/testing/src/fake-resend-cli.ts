/**
 * Runs the fake Resend for local demos and e2e runs:
 *   node --import tsx packages/testing/src/fake-resend-cli.ts
 * Listens on FAKE_RESEND_PORT (default 4020) with the API key FAKE_RESEND_API_KEY (default
 * re_fake_local), and prints the environment the app needs to send through it.
 * FAKE_RESEND_CONTROL_PORT also opens a small JSON control API there, so another process (the e2e
 * tests) can read what was "sent": GET /health, GET /sent (?to= filters by recipient, case-insensitively).
 */
import { createServer } from "node:http";
import { startFakeResend } from "./fake-resend";

function port(name: string, fallback: number | null): number | null {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number, got ${raw}`);
    process.exit(1);
  }
  return value;
}

const fake = await startFakeResend({
  apiKey: process.env.FAKE_RESEND_API_KEY ?? "re_fake_local",
  port: port("FAKE_RESEND_PORT", 4020) ?? 4020,
});
console.log(`Fake Resend listening on ${fake.url}`);
console.log("Give the app this environment:\n");
console.log(`RESEND_API_KEY=${fake.apiKey}`);
console.log(`RESEND_BASE_URL=${fake.url}`);

const controlPort = port("FAKE_RESEND_CONTROL_PORT", null);
const control =
  controlPort === null
    ? null
    : createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://control");
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (req.method === "GET" && url.pathname === "/health") return json(200, { ok: true });
        if (req.method === "GET" && url.pathname === "/sent") {
          const to = url.searchParams.get("to")?.toLowerCase();
          const recipients = (payload: Record<string, unknown>) =>
            (Array.isArray(payload.to) ? payload.to : [payload.to]).map((address) => String(address).toLowerCase());
          const sent = fake.sent
            .filter((email) => !to || recipients(email.payload).includes(to))
            .map((email) => ({
              id: email.id,
              idempotencyKey: email.idempotencyKey,
              createdAt: email.createdAt.toISOString(),
              to: recipients(email.payload),
              subject: email.payload.subject,
              text: email.payload.text,
            }));
          return json(200, sent);
        }
        return json(404, { error: "Not found" });
      }).listen(controlPort, "127.0.0.1");
if (control) console.log(`\nControl API on http://127.0.0.1:${controlPort} (GET /sent?to=...)`);
console.log("\nPress Ctrl+C to stop.");

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping fake Resend`);
  control?.close();
  fake.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
