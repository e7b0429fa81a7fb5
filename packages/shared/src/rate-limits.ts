/** "in 45 seconds", "in 12 minutes", "in 1 hour": when a refused request may be sent again. */
export function retryIn(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `in ${s} second${s === 1 ? "" : "s"}`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
  // Budgets reset within the hour, so this is nearly always "in 1 hour".
  const hours = Math.ceil(minutes / 60);
  return `in ${hours} hour${hours === 1 ? "" : "s"}`;
}

/** What a person reads when a request budget refuses them (server and web say the same). */
export const rateLimitMessages = {
  userBudget: (limit: number, retryAfterSeconds: number) =>
    `You have used all ${limit} requests allowed per hour. Try again ${retryIn(retryAfterSeconds)}.`,
  fromAddress: (retryAfterSeconds: number) =>
    `Too many attempts from your network. Try again ${retryIn(retryAfterSeconds)}.`,
} as const;
