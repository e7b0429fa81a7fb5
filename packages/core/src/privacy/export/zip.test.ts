import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { unzip } from "./unzip.test-util";
import { ZipWriter } from "./zip";

function memorySink() {
  const parts: Buffer[] = [];
  return { parts, sink: { write: async (bytes: Uint8Array) => void parts.push(Buffer.from(bytes)) } };
}

describe("ZipWriter", () => {
  it("writes entries a zip reader opens byte for byte, fed in pieces of any size", async () => {
    const { parts, sink } = memorySink();
    const zip = new ZipWriter(sink, new Date("2026-03-01T09:00:00Z"));
    // Incompressible and larger than the 256 KB zlib feed, so it crosses several deflate calls.
    const noise = randomBytes(700_000);
    const text = "ünïcode line\n".repeat(50_000);

    const empty = await zip.entry("empty.json");
    await empty.close();
    const big = await zip.entry("noise.bin");
    for (let at = 0; at < noise.length; at += 12_345) await big.write(noise.subarray(at, at + 12_345));
    await big.close();
    const named = await zip.entry("dossier/ünïcode.txt");
    await named.write(text);
    await named.close();
    const { bytes } = await zip.finish();

    const whole = Buffer.concat(parts);
    expect(whole.length).toBe(bytes);
    const files = unzip(whole);
    expect([...files.keys()]).toEqual(["empty.json", "noise.bin", "dossier/ünïcode.txt"]);
    expect(files.get("empty.json")!.length).toBe(0);
    expect(files.get("noise.bin")!.equals(noise)).toBe(true);
    expect(files.get("dossier/ünïcode.txt")!.toString("utf8")).toBe(text);
    // Text compresses: the deflated entry is far smaller than what went in.
    expect(bytes).toBeLessThan(noise.length + Buffer.byteLength(text) / 10);
  });

  it("refuses a second entry while one is open", async () => {
    const zip = new ZipWriter(memorySink().sink, new Date());
    await zip.entry("a.json");
    await expect(zip.entry("b.json")).rejects.toThrow("before the previous one was closed");
  });
});
