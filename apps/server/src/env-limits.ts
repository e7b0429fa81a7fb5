import { isIP } from "node:net";
import { z } from "zod";

/** proxy-addr's names for address ranges (Fastify's trustProxy understands them). */
const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

const TRUST_PROXY_HELP =
  "must be a number of proxy hops (1, 2, ...) or a comma-separated list of the proxies' IP addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1; also loopback, linklocal, uniquelocal)";

function isAddressOrRange(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const parts = entry.split("/");
  if (parts.length > 2) return false;
  const version = isIP(parts[0] ?? "");
  if (!version) return false;
  if (parts.length === 1) return true;
  const bits = parts[1] ?? "";
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY → Fastify's trustProxy: unset, the socket's address is the client's; a hop count, or
 * the proxies' addresses, lets X-Forwarded-For name it. `true` (trust whoever sent the header) is
 * refused: any client could then pick the address its limits are counted against.
 */
const trustProxy = z
  .string()
  .transform((value, ctx): number | string[] => {
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed) && Number(trimmed) >= 1 && Number(trimmed) <= 100) return Number(trimmed);
    const entries = trimmed.split(",").map((entry) => entry.trim());
    if (entries.every((entry) => entry && isAddressOrRange(entry))) return entries;
    const hint = trimmed === "true" ? " (true is refused: any client could choose its own address)" : "";
    ctx.addIssue({ code: "custom", message: `${TRUST_PROXY_HELP}${hint}` });
    return z.NEVER;
  })
  .optional();

const perWindow = (unit: string, fallback: number) =>
  z.coerce
    .number({ error: `must be a whole number of requests per ${unit}, at least 1` })
    .int(`must be a whole number of requests per ${unit}, at least 1`)
    .min(1, `must be a whole number of requests per ${unit}, at least 1`)
    .max(1_000_000_000, `must be at most 1000000000 requests per ${unit}`)
    .default(fallback);

/** Abuse limits and whose address a request comes from (docs/accounts.md, "Abuse limits"). */
export const limitsEnvShape = {
  TRUST_PROXY: trustProxy,
  /** Requests per signed-in user per clock hour (a fixed hourly window), across all processes. */
  RATE_LIMIT_PER_HOUR: perWindow("hour", 1000),
  /** Sign-ups, sign-ins, codes, resets and verification requests per client IP per minute, each. */
  AUTH_RATE_LIMIT_PER_MINUTE: perWindow("minute", 20),
};
