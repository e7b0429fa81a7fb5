import superjson from "superjson";

/**
 * The wire format stays superjson's (the web client decodes with superjson), but responses are
 * encoded by a direct walk for what procedures return: plain objects, arrays, strings, finite
 * numbers except -0, booleans, null, undefined and valid Dates. superjson's generic walker
 * (identity tracking, a transformer lookup per value, path arrays copied per level) was a large
 * share of the server's CPU on a client list (docs/performance.md). Anything else (Map, Set, BigInt,
 * NaN, class instances, cycles, very deep values) goes to superjson itself, so the output is always
 * something superjson decodes.
 */
type Annotations = Record<string, [string]>;
/** The path of the root value: not a string, so an empty key ("") can never be taken for it. */
const ROOT = null;

const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** Thrown inside the walk when a value needs superjson's full treatment. */
const NOT_PLAIN = Symbol("not plain");

const escapeKey = (key: string) =>
  key.includes(".") || key.includes("\\") ? key.replace(/\\/g, "\\\\").replace(/\./g, "\\.") : key;

const rootAnnotation = Symbol("root annotation");

function annotate(annotations: Annotations, path: string | null, type: string) {
  if (path === ROOT) (annotations as Record<symbol, [string]>)[rootAnnotation] = [type];
  else annotations[path] = [type];
}

/** The key of the root value among its (absent) parent's keys. */
const AT_ROOT = Symbol("at root");
type Key = string | number | typeof AT_ROOT;

/**
 * A value's path, built only when needed (an annotation, or a container's children): most values of
 * a list are strings and numbers, and building a path string for each cost more than the rest.
 */
function pathOf(parent: string | null, key: Key): string | null {
  if (key === AT_ROOT) return ROOT;
  const segment = typeof key === "number" ? String(key) : escapeKey(key);
  return parent === ROOT ? segment : `${parent}.${segment}`;
}

function walk(value: unknown, parent: string | null, key: Key, annotations: Annotations, depth: number): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // superjson keeps -0 (JSON would write 0), Infinity and NaN with an annotation: its own walk.
      if (!Number.isFinite(value) || Object.is(value, -0)) throw NOT_PLAIN;
      return value;
    case "undefined":
      // As superjson: null on the wire, and the annotation turns it back into undefined.
      annotate(annotations, pathOf(parent, key), "undefined");
      return null;
    case "object": {
      if (value === null) return null;
      if (depth > MAX_DEPTH) throw NOT_PLAIN;
      if (Array.isArray(value)) {
        const path = pathOf(parent, key);
        const out = new Array(value.length);
        for (let i = 0; i < value.length; i++) out[i] = walk(value[i], path, i, annotations, depth + 1);
        return out;
      }
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw NOT_PLAIN;
        annotate(annotations, pathOf(parent, key), "Date");
        return value.toISOString();
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
      const path = pathOf(parent, key);
      const out: Record<string, unknown> = {};
      for (const name of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(name)) throw NOT_PLAIN;
        out[name] = walk((value as Record<string, unknown>)[name], path, name, annotations, depth + 1);
      }
      return out;
    }
    default:
      throw NOT_PLAIN;
  }
}

export function serialize(value: unknown): ReturnType<typeof superjson.serialize> {
  const annotations: Annotations = {};
  let json: unknown;
  try {
    json = walk(value, ROOT, AT_ROOT, annotations, 0);
  } catch (error) {
    if (error === NOT_PLAIN) return superjson.serialize(value);
    throw error;
  }
  // superjson's shape: the root's own annotation is the bare tuple, nested ones a path map.
  const root = (annotations as Record<symbol, [string]>)[rootAnnotation];
  if (root) return { json: json as never, meta: { values: root as never, v: 1 } };
  for (const _ in annotations) return { json: json as never, meta: { values: annotations as never, v: 1 } };
  return { json: json as never };
}

export const transformer = {
  serialize,
  deserialize: <T>(payload: Parameters<typeof superjson.deserialize>[0]) => superjson.deserialize<T>(payload),
};
