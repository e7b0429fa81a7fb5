import { TOTP_DIGITS } from "@crm/shared";
import { decodeBase32IgnorePadding, encodeBase32NoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from "@oslojs/otp";

/**
 * RFC 6238 on @oslojs/otp's HOTP primitives. Its TOTP helpers read Date.now(); these take the time
 * from the caller (ctx.clock), so tests can pin it and a code's time step can be remembered (replay).
 */
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted on either side of now: a phone clock a little off, a code typed as it rolled over. */
export const TOTP_WINDOW_STEPS = 1;
const SECRET_BYTES = 20;

export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

export function generateTotpSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
}

export function generateTotpAt(key: Uint8Array, at: Date): string {
  return generateHOTP(key, BigInt(totpStep(at)), TOTP_DIGITS);
}

/** The time step whose code `code` is, within the window around `at`; null when none matches. */
export function matchTotpStep(key: Uint8Array, code: string, at: Date): number | null {
  const now = totpStep(at);
  for (let step = now - TOTP_WINDOW_STEPS; step <= now + TOTP_WINDOW_STEPS; step++) {
    if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, code)) return step;
  }
  return null;
}

export function totpKeyUri(issuer: string, accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI(issuer, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The secret as authenticator apps take it typed in (RFC 4648 base32, no padding). */
export function totpSecretText(key: Uint8Array): string {
  return encodeBase32NoPadding(key);
}

export function totpKeyFromText(secret: string): Uint8Array {
  return decodeBase32IgnorePadding(secret.replace(/\s+/g, "").toUpperCase());
}
