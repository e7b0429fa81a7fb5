import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * OAuth tokens at rest: AES-256-GCM with a random 96-bit nonce per write, bound to the owner
 * (additional data), so a ciphertext copied onto another user's row does not decrypt.
 * Format: "v1.<nonce>.<ciphertext>.<tag>", each base64url.
 */
const VERSION = "v1";

export function encryptToken(key: Uint8Array, plaintext: string, ownerId: string): string {
  assertKey(key);
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(ownerId, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, nonce, body, cipher.getAuthTag()]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export function decryptToken(key: Uint8Array, sealed: string, ownerId: string): string {
  assertKey(key);
  const [version, nonce, body, tag] = sealed.split(".");
  if (version !== VERSION || !nonce || body === undefined || !tag) throw new Error("Unreadable token ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64url"));
  decipher.setAAD(Buffer.from(ownerId, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  // Throws on a wrong key or any tampering (GCM authenticates the ciphertext).
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

function assertKey(key: Uint8Array): void {
  if (key.length !== 32) throw new Error("The token encryption key must be 32 bytes");
}
