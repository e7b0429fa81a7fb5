import { type ClassValue, clsx } from "clsx";
import { twMerge } from "tailwind-merge";

/** Joins class names and lets later Tailwind utilities override earlier ones. */
export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}

/**
 * The in-app path to return to after signing in. Only same-origin paths are accepted, so a crafted
 * `?redirect=https://evil.example` link cannot send a user elsewhere.
 */
export function safeRedirect(target: unknown, fallback = "/clients"): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) {
    return fallback;
  }
  if (target === "/login" || target.startsWith("/login?") || target === "/signup" || target.startsWith("/signup?")) {
    return fallback;
  }
  return target;
}

export function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}
