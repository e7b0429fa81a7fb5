/** Small helpers shared by the fake's modules: JSON objects, ids, links, sleeping and a seeded PRNG. */
import { randomBytes } from "node:crypto";

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** JSON merge patch (RFC 7396), which is how Google's PATCH treats nested objects: null deletes, arrays replace. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value)) out[key] = mergePatch(out[key], value);
    else out[key] = value;
  }
  return out;
}

export function randomEventId(): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuv";
  return [...randomBytes(26)].map((b) => alphabet[b & 31]).join("");
}

export function htmlLink(id: string, calendarId: string): string {
  return `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${calendarId}`).toString("base64url")}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A small deterministic PRNG (mulberry32) for faultRate. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
