import { once } from "node:events";
import { constants, crc32, createDeflateRaw, type DeflateRaw } from "node:zlib";

/** Where the bytes of a zip go, in order: the export's chunks in the database, or a file. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void>;
}

// Zip without ZIP64: an entry or the whole archive stays under 4 GiB (a 500k-client account is a few
// hundred MB); past that the writer stops with an error instead of writing a zip no tool can open.
const MAX_ZIP32 = 0xffff_ffff;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const METHOD_DEFLATE = 8;

interface CentralEntry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  dosTime: number;
  dosDate: number;
}

function dosDateTime(at: Date): { dosTime: number; dosDate: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    dosTime: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    dosDate: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/**
 * Writes a zip as it goes: each entry's local header, then its deflated bytes as they come out of
 * zlib, then a data descriptor (sizes and CRC known only at the end), and the central directory last.
 * Nothing but the directory's few bytes per entry is held in memory.
 */
export class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private open: ZipEntryWriter | null = null;
  private readonly stamp: { dosTime: number; dosDate: number };

  constructor(
    private readonly sink: ByteSink,
    modifiedAt: Date,
  ) {
    this.stamp = dosDateTime(modifiedAt);
  }

  /** Starts an entry; write to it and close it before starting the next. */
  async entry(name: string): Promise<ZipEntryWriter> {
    if (this.open) throw new Error(`zip entry ${name} started before the previous one was closed`);
    const nameBytes = Buffer.from(name, "utf8");
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    header.writeUInt16LE(FLAG_DATA_DESCRIPTOR | FLAG_UTF8, 6);
    header.writeUInt16LE(METHOD_DEFLATE, 8);
    header.writeUInt16LE(this.stamp.dosTime, 10);
    header.writeUInt16LE(this.stamp.dosDate, 12);
    // CRC and sizes (14..25) stay zero: they follow in the data descriptor.
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    const offset = this.offset;
    await this.emit(Buffer.concat([header, nameBytes]));
    const entry = new ZipEntryWriter(
      (bytes) => this.emit(bytes),
      async (crc, compressed, size) => {
        const descriptor = Buffer.alloc(16);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(crc, 4);
        descriptor.writeUInt32LE(compressed, 8);
        descriptor.writeUInt32LE(size, 12);
        await this.emit(descriptor);
        this.entries.push({ name: nameBytes, crc, compressed, size, offset, ...this.stamp });
        this.open = null;
      },
    );
    this.open = entry;
    return entry;
  }

  /** Writes the central directory. The sink then holds a complete zip of `bytes` bytes. */
  async finish(): Promise<{ bytes: number }> {
    if (this.open) throw new Error("zip finished with an entry still open");
    const start = this.offset;
    for (const e of this.entries) {
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
      record.writeUInt16LE(20, 6);
      record.writeUInt16LE(FLAG_DATA_DESCRIPTOR | FLAG_UTF8, 8);
      record.writeUInt16LE(METHOD_DEFLATE, 10);
      record.writeUInt16LE(e.dosTime, 12);
      record.writeUInt16LE(e.dosDate, 14);
      record.writeUInt32LE(e.crc, 16);
      record.writeUInt32LE(e.compressed, 20);
      record.writeUInt32LE(e.size, 24);
      record.writeUInt16LE(e.name.length, 28);
      // extra, comment, disk number, internal attributes: zero
      record.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
      record.writeUInt32LE(e.offset, 42);
      await this.emit(Buffer.concat([record, e.name]));
    }
    const size = this.offset - start;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    await this.emit(end);
    return { bytes: this.offset };
  }

  private async emit(bytes: Uint8Array): Promise<void> {
    if (this.offset + bytes.length > MAX_ZIP32)
      throw new Error("The export is larger than 4 GiB, which a zip without ZIP64 cannot hold");
    this.offset += bytes.length;
    await this.sink.write(bytes);
  }
}

/** One file inside the zip, fed in pieces; text is encoded as UTF-8. */
export class ZipEntryWriter {
  private crc = 0;
  private size = 0;
  private compressed = 0;
  private readonly deflate: DeflateRaw = createDeflateRaw({ level: constants.Z_DEFAULT_COMPRESSION });
  private readonly out: Buffer[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly emit: (bytes: Uint8Array) => Promise<void>,
    private readonly done: (crc: number, compressed: number, size: number) => Promise<void>,
  ) {
    this.deflate.on("data", (chunk: Buffer) => this.out.push(chunk));
  }

  /** Buffers small writes (a CSV line, a JSON row) and hands zlib pieces of 256 KB. */
  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= 256 * 1024) await this.push();
  }

  async close(): Promise<void> {
    await this.push();
    const ended = once(this.deflate, "end");
    this.deflate.end();
    await ended;
    await this.drainOut();
    if (this.size > MAX_ZIP32) throw new Error("A file in the export is larger than 4 GiB");
    await this.done(this.crc >>> 0, this.compressed, this.size);
  }

  private async push(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const piece = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.crc = crc32(piece, this.crc);
    this.size += piece.length;
    if (!this.deflate.write(piece)) await once(this.deflate, "drain");
    await this.drainOut();
  }

  private async drainOut(): Promise<void> {
    while (this.out.length) {
      const chunk = this.out.shift()!;
      this.compressed += chunk.length;
      await this.emit(chunk);
    }
  }
}
