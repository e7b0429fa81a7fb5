import { z } from "zod";
import { emailSchema, passwordSchema } from "./auth";
import { text } from "./text";

/** How long each emailed link works. */
export const PASSWORD_RESET_TTL_MINUTES = 60;
export const EMAIL_LINK_TTL_HOURS = 24;

/**
 * Whether account emails leave the server: "email" (a provider is configured) or "outbox" (they are
 * only written to the server log). Server configuration, the same for every address.
 */
export type EmailDelivery = "email" | "outbox";

// Tokens are 32 base32 characters; the bound only keeps junk short, the lookup decides validity.
const tokenSchema = text({ error: "The link is missing its token" })
  .trim()
  .min(1, "The link is missing its token")
  .max(200, "This link is not valid");

export const requestPasswordResetInput = z.object({ email: emailSchema });
export type RequestPasswordResetInput = z.infer<typeof requestPasswordResetInput>;

export const resetPasswordInput = z.object({ token: tokenSchema, password: passwordSchema });
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

export const verifyEmailInput = z.object({ token: tokenSchema });
export type VerifyEmailInput = z.infer<typeof verifyEmailInput>;

export const changeEmailInput = z.object({
  email: emailSchema,
  password: text({ error: "Password is required" }).min(1, "Password is required").max(256),
});
export type ChangeEmailInput = z.infer<typeof changeEmailInput>;

export const accountMessages = {
  /** The same words for an unknown, used or expired link: which one it was helps no one but a guesser. */
  resetLinkInvalid: "This reset link has expired or was already used. Ask for a new one.",
  verifyLinkInvalid: "This link has expired or was already used. Ask for a new one from the app.",
  wrongPassword: "Password is incorrect",
  sameEmail: "That is already your email",
} as const;
