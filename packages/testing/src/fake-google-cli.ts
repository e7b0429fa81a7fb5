/**
 * Runs the fake Google (Calendar v3 + OAuth) for local demos and e2e runs:
 *   pnpm --filter @crm/testing fake-google
 * Listens on FAKE_GOOGLE_PORT (default 4010) and prints the environment the app needs to talk to it.
 * FAKE_GOOGLE_ACCOUNT sets the account the consent page signs in as (default coach@example.com).
 * FAKE_GOOGLE_CONTROL_PORT also opens a small JSON control API there, so another process (the e2e
 * tests) can play "the user in Google Calendar": GET/POST /events, PATCH/DELETE /events/:id,
 * POST /revoke, POST /sign-in (each takes ?account=, default the signed-in account).
 */
import { startControlServer } from "./fake-google/control-server";
import { startFakeGoogle } from "./fake-google/index";

const port = Number(process.env.FAKE_GOOGLE_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`FAKE_GOOGLE_PORT must be a port number, got ${process.env.FAKE_GOOGLE_PORT}`);
  process.exit(1);
}

const fake = await startFakeGoogle({ port });
if (process.env.FAKE_GOOGLE_ACCOUNT) fake.signInAs(process.env.FAKE_GOOGLE_ACCOUNT);

console.log(`Fake Google listening on ${fake.url} (consent page signs in as ${fake.signedInAs})`);
console.log("Give the app this environment:\n");
console.log(`GOOGLE_CLIENT_ID=${fake.clientId}`);
console.log(`GOOGLE_CLIENT_SECRET=${fake.clientSecret}`);
console.log(`GOOGLE_AUTH_URL=${fake.authUrl}`);
console.log(`GOOGLE_TOKEN_URL=${fake.tokenUrl}`);
console.log(`GOOGLE_REVOKE_URL=${fake.revokeUrl}`);
console.log(`GOOGLE_API_URL=${fake.url}/`);
console.log("TOKEN_ENCRYPTION_KEY=$(openssl rand -base64 32)   # any 32 random bytes, base64");

const controlPort = process.env.FAKE_GOOGLE_CONTROL_PORT ? Number(process.env.FAKE_GOOGLE_CONTROL_PORT) : null;
const control = controlPort === null ? null : await startControlServer(fake, controlPort);
if (control) {
  console.log(`\nControl API on http://127.0.0.1:${controlPort} (GET /events, PATCH /events/:id, POST /revoke ...)`);
}
console.log("\nPress Ctrl+C to stop.");

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping fake Google`);
  control?.close();
  fake.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
