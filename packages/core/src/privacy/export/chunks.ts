import { schema } from "@crm/db";
import { and, asc, eq, gt } from "drizzle-orm";
import type { CoreContext } from "../../context";
import type { ByteSink } from "./zip";

const { accountExportChunks } = schema;

/** A zip is stored in pieces of this size: small enough to read one at a time, few enough rows. */
export const EXPORT_CHUNK_BYTES = 4 * 1024 * 1024;

/** Collects the zip's bytes and stores them as numbered chunks of EXPORT_CHUNK_BYTES. */
export class ChunkSink implements ByteSink {
  private parts: Buffer[] = [];
  private size = 0;
  private seq = 0;

  constructor(
    private readonly ctx: CoreContext,
    private readonly key: { userId: string; exportId: string },
    private readonly chunkBytes = EXPORT_CHUNK_BYTES,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.parts.push(Buffer.from(bytes));
    this.size += bytes.length;
    while (this.size >= this.chunkBytes) {
      const all = Buffer.concat(this.parts, this.size);
      await this.store(all.subarray(0, this.chunkBytes));
      const rest = all.subarray(this.chunkBytes);
      this.parts = rest.length ? [Buffer.from(rest)] : [];
      this.size = rest.length;
    }
  }

  /** Stores what is left (the zip's last, shorter chunk). */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    await this.store(Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
  }

  private async store(data: Buffer): Promise<void> {
    await this.ctx.db.insert(accountExportChunks).values({ ...this.key, seq: this.seq, data: Buffer.from(data) });
    this.seq += 1;
  }
}

export async function deleteChunks(ctx: CoreContext, key: { userId: string; exportId: string }): Promise<void> {
  await ctx.db
    .delete(accountExportChunks)
    .where(and(eq(accountExportChunks.userId, key.userId), eq(accountExportChunks.exportId, key.exportId)));
}

/** The stored zip, one chunk per query: never more than one chunk in memory. */
export async function* readChunks(ctx: CoreContext, key: { userId: string; exportId: string }): AsyncGenerator<Buffer> {
  let seq = -1;
  for (;;) {
    const [chunk] = await ctx.db
      .select({ seq: accountExportChunks.seq, data: accountExportChunks.data })
      .from(accountExportChunks)
      .where(
        and(
          eq(accountExportChunks.userId, key.userId),
          eq(accountExportChunks.exportId, key.exportId),
          gt(accountExportChunks.seq, seq),
        ),
      )
      .orderBy(asc(accountExportChunks.seq))
      .limit(1);
    if (!chunk) return;
    seq = chunk.seq;
    yield chunk.data;
  }
}
