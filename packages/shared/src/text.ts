import { z } from "zod";
import { messages } from "./messages";

const NUL = "\u0000";

/**
 * A string input that refuses NUL characters before any other rule: PostgreSQL cannot store
 * U+0000 in text or jsonb, so one that got through would fail as a server error. Every free-text
 * input starts from this; the path names the field.
 */
export function text(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine((value) => !value.includes(NUL), { error: messages.nulCharacter, abort: true });
}

/**
 * Where the first NUL character sits in a decoded input (in a string value or an object key):
 * its path, or null when there is none. The transport boundaries refuse such input whole, whatever
 * schema follows. The path is built only on a hit, so clean input costs one walk.
 */
export function findNulCharacter(value: unknown): (string | number)[] | null {
  if (typeof value === "string") return value.includes(NUL) ? [] : null;
  if (value === null || typeof value !== "object" || value instanceof Date) return null;
  if (Array.isArray(value) || value instanceof Set) {
    let index = 0;
    for (const item of value) {
      const found = findNulCharacter(item);
      if (found) return [index, ...found];
      index++;
    }
    return null;
  }
  const entries = value instanceof Map ? value.entries() : Object.entries(value);
  for (const [key, item] of entries) {
    const name = String(key);
    if (name.includes(NUL)) return [name];
    const found = findNulCharacter(item);
    if (found) return [name, ...found];
  }
  return null;
}
