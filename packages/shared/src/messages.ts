/** User-facing messages shared by server and web, so both say the same thing. */
export const messages = {
  invalidCredentials: "Invalid email or password",
  throttled: (retryAfterSeconds: number) =>
    `Too many failed sign-in attempts. Try again in ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minute(s).`,
  emailTaken: "An account with this email already exists",
  staleVersion: "Record was modified. Refresh and retry.",
  slotUnavailable: "Time slot unavailable",
  notFound: "Not found",
  signInRequired: "Please sign in",
  crossSite: "Cross-site request refused",
  internal: "Something went wrong on our side. Please try again.",
  nulCharacter: "Must not contain NUL characters",
} as const;
