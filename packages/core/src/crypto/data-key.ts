import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from "node:crypto";

/**
 * The data encryption key: seals sensitive values at rest (two-factor secrets today; notes later).
 * AES-256-GCM with a random 96-bit nonce per value and the owner's id as additional data, so a
 * sealed value copied onto another owner's row does not open.
 *
 * A sealed value names the key version it was written with ("k<version>.<nonce>.<body>.<tag>",
 * base64url parts), so a new key can be introduced while values sealed with the old one still open
 * (rotation re-seals them and then retires the old version).
 */
export interface DataKey {
  version: number;
  /** 32 bytes. */
  key: Uint8Array;
}

/** The key new values are sealed with, and any older ones still needed to open values. */
export interface DataKeyring {
  current: DataKey;
  older?: DataKey[];
  /**
   * The generated-key-file setup: looks for a newer key file (one `crm rotate-key` just wrote) so a
   * running process seals with it and opens what it sealed. "unknown-version" reads the directory at
   * once; "seal" at most every few seconds. Absent where keys come from the environment (a new key
   * there means a restart).
   */
  reload?: (reason: "seal" | "unknown-version") => void;
}

export const DATA_KEY_BYTES = 32;

export class DataKeyError extends Error {
  override name = "DataKeyError";
}

/**
 * Each key imported once: given raw bytes, createCipheriv imports the key on every call, which made
 * opening a 600-character note 4–6 times slower (measured: about 25 µs instead of 6 µs).
 */
const imported = new WeakMap<Uint8Array, KeyObject>();
function keyObject(key: Uint8Array): KeyObject {
  let object = imported.get(key);
  if (!object) {
    assertKeyLength(key);
    object = createSecretKey(key);
    imported.set(key, object);
  }
  return object;
}

export function sealData(keyring: DataKeyring, plaintext: string, ownerId: string): string {
  keyring.reload?.("seal");
  const { version, key } = keyring.current;
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyObject(key), nonce);
  cipher.setAAD(Buffer.from(ownerId, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [`k${version}`, nonce, body, cipher.getAuthTag()]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** Throws DataKeyError on a value this keyring cannot open (unknown version, wrong owner, tampering). */
export function openData(keyring: DataKeyring, sealed: string, ownerId: string): string {
  const [prefix, nonce, body, tag] = sealed.split(".");
  const version = prefix?.startsWith("k") ? Number(prefix.slice(1)) : Number.NaN;
  if (!Number.isInteger(version) || !nonce || body === undefined || !tag) {
    throw new DataKeyError("The sealed value is malformed");
  }
  const find = () => [keyring.current, ...(keyring.older ?? [])].find((k) => k.version === version);
  let dataKey = find();
  if (!dataKey && keyring.reload) {
    keyring.reload("unknown-version");
    dataKey = find();
  }
  if (!dataKey) throw new DataKeyError(`The value was sealed with data key version ${version}, which is not loaded`);
  const key = keyObject(dataKey.key);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64url"));
    decipher.setAAD(Buffer.from(ownerId, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new DataKeyError("The sealed value does not open with this key for this owner");
  }
}

/**
 * What the database records about a key: an HMAC of a fixed label under the key. It identifies the
 * key without revealing it (nor anything that helps guess it).
 */
export function dataKeyFingerprint(key: Uint8Array): string {
  assertKeyLength(key);
  return createHmac("sha256", key).update("crm data encryption key fingerprint v1").digest("hex");
}

/** The key version a sealed value names ("k2.…" → 2); null for anything else (plain text). */
export function sealedVersion(value: string): number | null {
  const match = /^k(\d+)\./.exec(value);
  return match ? Number(match[1]) : null;
}

/** A key as configured (base64 of 32 bytes). Throws a message fit for the operator. */
export function parseDataKey(base64: string): Uint8Array {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new DataKeyError("must be base64 (generate one with: openssl rand -base64 32)");
  }
  const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length !== DATA_KEY_BYTES) {
    throw new DataKeyError(
      `must be ${DATA_KEY_BYTES} bytes in base64, got ${bytes.length} (generate one with: openssl rand -base64 32)`,
    );
  }
  return new Uint8Array(bytes);
}

export function generateDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(DATA_KEY_BYTES));
}

function assertKeyLength(key: Uint8Array): void {
  if (key.length !== DATA_KEY_BYTES) throw new DataKeyError(`The data encryption key must be ${DATA_KEY_BYTES} bytes`);
}
