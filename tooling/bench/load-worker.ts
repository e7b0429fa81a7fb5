// Runs one load cell on its own thread, so the load generator does not share the server's event loop.
import { parentPort, workerData } from "node:worker_threads";
import { load } from "./harness";

interface Job {
  port: number;
  concurrency: number;
  seconds: number;
  requests: { path: string; headers?: Record<string, string> }[];
}

const job = workerData as Job;
const result = await load({
  port: job.port,
  concurrency: job.concurrency,
  seconds: job.seconds,
  request: (i) => job.requests[i % job.requests.length]!,
});
parentPort!.postMessage(result);
