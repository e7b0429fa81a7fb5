// Runs the fake Resend on its own thread, so the API the workers send to does not share their event loop
// (in production Resend is another machine). Answers {url, apiKey}; "count" → emails accepted; "close".
import { parentPort } from "node:worker_threads";
import { startFakeResend } from "@crm/testing/fake-resend";

const fake = await startFakeResend();
parentPort!.on("message", async (message: string) => {
  if (message === "count") parentPort!.postMessage({ count: fake.sent.length });
  if (message === "close") {
    await fake.close();
    parentPort!.postMessage({ closed: true });
  }
});
parentPort!.postMessage({ url: fake.url, apiKey: fake.apiKey });
