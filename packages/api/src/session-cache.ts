import type { PublicUser } from "@crm/core";

interface Entry {
  sessionId: string;
  user: PublicUser;
  expiresAt: number;
}

/**
 * A per-process memory of sessions validated in the last couple of seconds, so a burst of requests
 * from one browser costs one session lookup instead of one each (measured: the lookup was the
 * largest cost of a list request after the list query itself).
 *
 * What it trades: another process's sign-out, password change or theft detection takes effect here
 * after at most TTL_MS. This process evicts at once (sessionEnded), and a token due for rotation is
 * never served from here for long, since entries live TTL_MS and rotation happens on the database
 * path after 15 minutes.
 */
export class SessionCache {
  static readonly TTL_MS = 2000;
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  get(tokenHash: string, now: number): Entry | undefined {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.#entries.delete(tokenHash);
      return undefined;
    }
    return entry;
  }

  set(tokenHash: string, sessionId: string, user: PublicUser, now: number): void {
    if (this.#entries.size >= this.maxEntries) {
      // Oldest first: Map keeps insertion order.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(tokenHash, { sessionId, user, expiresAt: now + SessionCache.TTL_MS });
  }

  /** Forgets every token of a session (sign-out, password change, settings change). */
  evictSession(sessionId: string): void {
    for (const [key, entry] of this.#entries) if (entry.sessionId === sessionId) this.#entries.delete(key);
  }

  /** Forgets every session of a user (their profile changed, or all their sessions ended). */
  evictUser(userId: string): void {
    for (const [key, entry] of this.#entries) if (entry.user.id === userId) this.#entries.delete(key);
  }
}
