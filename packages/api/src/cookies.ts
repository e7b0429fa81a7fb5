/** Minimal cookie helpers: the session cookie, and the two-factor sign-in's short-lived one. */

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

export interface SessionCookieOptions {
  secure: boolean;
  maxAgeSeconds: number;
}

/** `__Host-` binds the cookie to this exact origin over HTTPS; plain HTTP (localhost) can't use it. */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-crm_session" : "crm_session";
}

export function serializeSessionCookie(token: string | null, options: SessionCookieOptions): string {
  const parts = [
    `${sessionCookieName(options.secure)}=${token ?? ""}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${token ? options.maxAgeSeconds : 0}`,
  ];
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

/** The pending two-factor sign-in (password accepted, code awaited): lives as long as the challenge. */
export function twoFactorCookieName(secure: boolean): string {
  return secure ? "__Host-crm_2fa" : "crm_2fa";
}

export function serializeTwoFactorCookie(token: string | null, options: SessionCookieOptions): string {
  const parts = [
    `${twoFactorCookieName(options.secure)}=${token ?? ""}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${token ? options.maxAgeSeconds : 0}`,
  ];
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}
