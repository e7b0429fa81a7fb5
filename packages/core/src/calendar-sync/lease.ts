import { randomUUID } from "node:crypto";
import { schema } from "@crm/db";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { CoreContext } from "../context";
import { LeaseLost } from "./outcomes";
import type { ConnectionRow } from "./types";

const { calendarConnections } = schema;

/** A run holds its lease this long at most; a crashed worker's lease runs out. */
const LEASE_MS = 10 * 60_000;

/**
 * The right to sync one connection: at most one run holds it (a row on the connection, taken with
 * a single conditional UPDATE, so two workers racing for it never both win). It runs out by itself
 * when a worker dies; a live run keeps it before each Google call.
 */
export class Lease {
  private constructor(
    private readonly ctx: CoreContext,
    readonly connectionId: string,
    private readonly owner: string,
    private until: number,
  ) {}

  /** Takes the lease when it is free or ran out; null when another run holds it. */
  static async acquire(
    ctx: CoreContext,
    connectionId: string,
  ): Promise<{ lease: Lease; connection: ConnectionRow } | null> {
    const owner = randomUUID();
    const now = ctx.clock.now();
    const until = new Date(now.getTime() + LEASE_MS);
    const [connection] = await ctx.db
      .update(calendarConnections)
      .set({ leaseOwner: owner, leaseUntil: until })
      .where(
        and(
          eq(calendarConnections.id, connectionId),
          or(isNull(calendarConnections.leaseUntil), lt(calendarConnections.leaseUntil, now)),
        ),
      )
      .returning();
    if (!connection) return null;
    return { lease: new Lease(ctx, connectionId, owner, until.getTime()), connection };
  }

  /**
   * A long run (a big first sync, a rate-limit storm) keeps its lease: once half of it is gone it is
   * extended, so no second worker starts on the connection meanwhile. When another run holds it
   * (ours ran out while stalled), this one stops with LeaseLost.
   */
  async keep(): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    if (this.until - now > LEASE_MS / 2) return;
    const [kept] = await this.ctx.db
      .update(calendarConnections)
      .set({ leaseUntil: new Date(now + LEASE_MS) })
      .where(this.ours())
      .returning({ id: calendarConnections.id });
    if (!kept) throw new LeaseLost();
    this.until = now + LEASE_MS;
  }

  /** Gives the lease back, writing the run's outcome; a no-op when another run took it over. */
  async release(changes: Partial<ConnectionRow>): Promise<void> {
    await this.ctx.db
      .update(calendarConnections)
      .set({ ...changes, leaseOwner: null, leaseUntil: null, updatedAt: this.ctx.clock.now() })
      .where(this.ours());
  }

  private ours() {
    return and(eq(calendarConnections.id, this.connectionId), eq(calendarConnections.leaseOwner, this.owner));
  }
}
