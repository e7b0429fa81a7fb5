import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";

// argon2id (the library's default algorithm) with OWASP's baseline cost: 19 MiB, 2 passes.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const LIBUV_DEFAULT_THREADS = 4;

/**
 * New hashes (sign-up, password change and reset) take turns: at most this many run at once.
 * argon2 runs on libuv's threadpool (4 threads by default); unbounded, a burst of sign-ups fills
 * every thread and each sign-in's check queues behind all of them (measured: docs/performance.md,
 * "Sign-in during a burst of sign-ups"). Bounded, checks keep a lane: one hash at a time on a
 * 2-core machine, half the cores above that, never more than half of libuv's default 4 threads.
 */
function defaultHashConcurrency(): number {
  return Math.max(1, Math.min(Math.floor(availableParallelism() / 2), LIBUV_DEFAULT_THREADS / 2));
}

class Lanes {
  #running = 0;
  readonly #queue: (() => void)[] = [];
  constructor(public limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#queue.push(resolve));
    else this.#running++;
    try {
      return await work();
    } finally {
      const next = this.#queue.shift();
      // The lane passes straight to the next waiter, so #running never dips and lets a newcomer jump in.
      if (next) next();
      else this.#running--;
    }
  }
}

const newHashes = new Lanes(defaultHashConcurrency());

/**
 * How many new hashes may run at once. For benchmarks (Infinity reproduces the unbounded
 * behaviour) and tests; the default suits the machine.
 */
export function setPasswordHashConcurrency(limit: number = defaultHashConcurrency()): void {
  if (!(limit >= 1)) throw new RangeError("password hash concurrency must be at least 1");
  newHashes.limit = limit;
}

export function hashPassword(password: string): Promise<string> {
  return newHashes.run(() => hash(password, options));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Verifies against a throwaway hash so an unknown email costs the same time as a wrong password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hash("not-a-real-password-0000", options);
  await verifyPassword(await dummyHash, password);
}
